using System;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Shared;
using ProcCmdlets.Records;

namespace ProcCmdlets
{
    /// <summary>
    /// One worker process running one script block [multiprocessing.Process]. It is a job: its
    /// records are kept in the job's streams until received.
    /// </summary>
    public sealed class WorkerProcess : ProcCmdletsJob
    {
        /// <summary>How long a stop waits for the worker to end its pipeline before killing it.</summary>
        public static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(2);

        private readonly WorkerClient _connection;
        private readonly JobRecordSink _sink;
        private int _stopping;
        private int? _reportedExitCode;
        private ErrorRecord _lastError;

        internal WorkerProcess(string command, string name, WorkerClient connection)
            : base(command, name)
        {
            PSJobTypeName = "WorkerProcess";
            _connection = connection;
            _sink = new JobRecordSink(this);
            ProcessId = connection.ProcessId;
            SetJobState(JobState.Running);
            connection.Attach(OnFrame, OnConsoleLine, OnExit);
        }

        /// <summary>The worker's OS process id [pid].</summary>
        public int ProcessId { get; }

        /// <summary>Null while running; then the exit code [exitcode].</summary>
        public int? ExitCode { get; private set; }

        internal bool IsRemoved { get; set; }

        internal WorkerClient Connection => _connection;

        public override string StatusMessage => ExitCode.HasValue ? $"Exit code {ExitCode}" : $"Process {ProcessId}";

        /// <summary>Where the worker runs.</summary>
        public override string Location => _connection.Location;

        private void OnFrame(Frame frame)
        {
            PayloadReader r = frame.Reader(SharedTable.Resolver);
            switch (frame.Kind)
            {
                case FrameKind.Record:
                    Record header = Record.ReadHeader(r);
                    object record;
                    try
                    {
                        record = header.ReadBody(r, null, replaceTarget: false);
                    }
                    catch (Exception e)
                    {
                        // The frame was whole; only this value could not be read back.
                        _sink.Write(StreamKind.Error, Errors.NotCarried(e, ErrorCategory.ReadError, this));
                        break;
                    }

                    if (header.Stream == StreamKind.Error)
                    {
                        _lastError = record as ErrorRecord;
                    }

                    _sink.Write(header.Stream, record);
                    break;
                case FrameKind.ScriptDone:
                    _reportedExitCode = (int)Marker.Read(r);
                    break;
            }
        }

        private void OnConsoleLine(string line) => _sink.Write(StreamKind.Information, ConsoleRecord.Create(line, ProcessId));

        private void OnExit(WorkerClient connection)
        {
            int code = connection.ExitCode ?? _reportedExitCode ?? -1;
            ExitCode = code;
            if (connection.ChannelFault != null)
            {
                _lastError = Errors.Create(new System.IO.InvalidDataException("The channel to the worker process failed: " + connection.ChannelFault),
                    "ChannelCorrupt", ErrorCategory.ProtocolError, this);
                _sink.Write(StreamKind.Error, _lastError);
            }
            else if (_reportedExitCode == null && Volatile.Read(ref _stopping) == 0)
            {
                string tail = connection.ConsoleTail();
                _lastError = Errors.WorkerCrashed(
                    $"The worker process {ProcessId}{(Location == System.Environment.MachineName ? string.Empty : " on " + Location)} ended with exit status {code} before its script finished." +
                    (tail.Length > 0 ? " Its last console output: " + tail : string.Empty), this);
                _sink.Write(StreamKind.Error, _lastError);
            }

            JobState state = Volatile.Read(ref _stopping) != 0 ? JobState.Stopped
                : code == 0 ? JobState.Completed : JobState.Failed;

            // As Start-Job's and ThreadJob's, a failed job says why in JobStateInfo.Reason.
            Exception reason = state != JobState.Failed ? null
                : _lastError?.Exception ?? new WorkerCrashedException($"The worker process {ProcessId} exited with code {code}.");
            SetJobState(state, reason);
            WorkerSpare.Forget(connection);
        }

        internal void Send(FrameKind kind, PayloadWriter payload) => _connection.TrySend(kind, payload);

        /// <summary>Asks the worker to stop its pipeline; kills it after the grace period, or at once with force.</summary>
        public void Stop(bool force)
        {
            if (IsFinishedState(JobStateInfo.State))
            {
                return;
            }

            if (Interlocked.Exchange(ref _stopping, 1) == 0)
            {
                SetJobState(JobState.Stopping);
            }

            if (!force)
            {
                _connection.TrySend(FrameKind.StopPipeline, 0);
                if (_connection.WaitForExit(StopGracePeriod))
                {
                    Finished.WaitOne(StopGracePeriod);
                    return;
                }
            }

            // Withdrawn under the decision, before Stop-WorkerProcess returns and the user's next put can come.
            SharedDispatcher.Condemn(_connection);
            _connection.Kill();
            _connection.WaitForExit(TimeSpan.FromSeconds(10));
            Finished.WaitOne(TimeSpan.FromSeconds(5));
        }

        public override void StopJob() => Stop(false);

        public override void StopJobAsync()
        {
            ThreadPool.QueueUserWorkItem(_ =>
            {
                Stop(false);
                OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
            });
        }

        public override void StopJob(bool force, string reason) => Stop(force);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                if (!IsFinishedState(JobStateInfo.State))
                {
                    Stop(true);
                }

                _connection.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
