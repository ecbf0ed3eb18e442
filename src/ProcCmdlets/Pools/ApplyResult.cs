using System;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Records;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// An asynchronous apply's result [ApplyResult]: the script block's records go straight into a
    /// job's streams, and the job is told when it has finished and whether it failed.
    /// </summary>
    internal sealed class ApplyResult : PoolResult
    {
        private readonly JobRecordSink _sink;
        private readonly Action<bool> _finished;
        private int _failed;

        public ApplyResult(PoolTask task, Job job, Action<bool> finished)
            : base(task, 1, 0)
        {
            _sink = new JobRecordSink(job);
            _finished = finished;
        }

        /// <summary>The last error the script wrote or met: a failed job's reason.</summary>
        public ErrorRecord? LastError { get; private set; }

        public override void OnRecord(Chunk chunk, int index, StreamKind stream, object? record)
        {
            if (stream == StreamKind.Error)
            {
                LastError = (ErrorRecord?)record;
            }

            _sink.Write(stream, record);
        }

        /// <summary>Non-terminating errors leave the job Completed, as they leave Start-Job's and Start-ThreadJob's.</summary>
        public override void OnItemDone(Chunk chunk, int index, bool failed) =>
            _finished(failed || Volatile.Read(ref _failed) != 0);

        public override void OnItemFailed(Chunk chunk, int index, ErrorRecord error)
        {
            Interlocked.Exchange(ref _failed, 1);
            LastError = error;
            _sink.Write(StreamKind.Error, error);
            _finished(true);
        }

        public override void OnFatal(ErrorRecord error)
        {
            LastError = error;
            _sink.Write(StreamKind.Error, error);
            _finished(true);
        }

        public override void OnConsoleLine(string line, int processId) => _sink.Write(StreamKind.Information, ConsoleRecord.Create(line, processId));
    }
}
