using System;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Engine;
using ProcCmdlets.Pools;

namespace ProcCmdlets
{
    /// <summary>
    /// The job an asynchronous apply returns [apply_async / AsyncResult]: its output is the
    /// script block's, for Receive-Job; Wait-Job waits for it.
    /// </summary>
    public sealed class ProcessPoolApplyJob : ProcCmdletsJob
    {
        private readonly Run _run;
        private readonly ProcessPool _pool;

        internal ProcessPoolApplyJob(string command, ProcessPool pool, PoolTask task)
            : base(command, null)
        {
            PSJobTypeName = "ProcessPoolApply";
            _pool = pool;
            _run = new Run(this, task);
            SetJobState(JobState.Running);
            pool.Register(_run);
            pool.Locked(() =>
            {
                _run.AddPending(0, null, NullItem);
                _run.InputComplete = true;
            });
            pool.Dispatch();
        }

        private static readonly byte[] NullItem = { 0 };

        /// <summary>The pool the script block runs in.</summary>
        public string PoolName => _pool.Name;

        public override string StatusMessage => _pool.Name;

        private void Finish(JobState state)
        {
            if (!IsFinishedState(JobStateInfo.State))
            {
                _pool.Unregister(_run);
                SetJobState(state);
            }
        }

        public override void StopJob()
        {
            _run.Cancelled = true;
            Finish(JobState.Stopped);
        }

        public override void StopJobAsync()
        {
            StopJob();
            OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !IsFinishedState(JobStateInfo.State))
            {
                StopJob();
            }

            base.Dispose(disposing);
        }

        private sealed class Run : PoolRun
        {
            private readonly ProcessPoolApplyJob _job;
            private int _failed;

            public Run(ProcessPoolApplyJob job, PoolTask task)
                : base(task, 1, 0)
            {
                _job = job;
            }

            public override void OnRecord(Chunk chunk, int index, StreamKind stream, PayloadReader reader)
            {
                object value = ReadRecord(stream, reader, null);
                switch (stream)
                {
                    case StreamKind.Output:
                        _job.Output.Add(PSObject.AsPSObject(value ?? new PSObject()));
                        break;
                    case StreamKind.Error:
                        _job.Error.Add((ErrorRecord)value);
                        break;
                    case StreamKind.Warning:
                        _job.Warning.Add((WarningRecord)value);
                        break;
                    case StreamKind.Verbose:
                        _job.Verbose.Add((VerboseRecord)value);
                        break;
                    case StreamKind.Debug:
                        _job.Debug.Add((DebugRecord)value);
                        break;
                    case StreamKind.Information:
                        _job.Information.Add((InformationRecord)value);
                        break;
                    case StreamKind.Progress:
                        _job.Progress.Add((ProgressRecord)value);
                        break;
                }
            }

            public override void OnItemDone(Chunk chunk, int index) =>
                _job.Finish(Volatile.Read(ref _failed) != 0 || _job.Error.Count > 0 ? JobState.Failed : JobState.Completed);

            public override void OnItemFailed(Chunk chunk, int index, ErrorRecord error)
            {
                Interlocked.Exchange(ref _failed, 1);
                _job.Error.Add(error);
                _job.Finish(JobState.Failed);
            }

            public override void OnFatal(ErrorRecord error)
            {
                _job.Error.Add(error);
                _job.Finish(JobState.Failed);
            }

            public override void OnConsoleLine(string line, int processId) => _job.Information.Add(ConsoleRecord.Create(line, processId));
        }
    }
}
