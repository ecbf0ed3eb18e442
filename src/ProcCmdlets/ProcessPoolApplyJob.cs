using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Pools;

namespace ProcCmdlets
{
    /// <summary>
    /// The job an asynchronous apply returns [apply_async / AsyncResult]: its output is the
    /// script block's, for Receive-Job; Wait-Job waits for it.
    /// </summary>
    public sealed class ProcessPoolApplyJob : ProcCmdletsJob
    {
        private static readonly byte[] NullItem = { 0 };

        private readonly ApplyResult _result;
        private readonly ProcessPool _pool;
        private readonly bool _ownsPool;
        private int _finished;

        internal ProcessPoolApplyJob(string command, ProcessPool pool, bool ownsPool, PoolTask task)
            : base(command, null)
        {
            PSJobTypeName = "ProcessPoolApply";
            _pool = pool;
            _ownsPool = ownsPool;
            _result = new ApplyResult(task, this, failed => Finish(failed ? JobState.Failed : JobState.Completed));
            SetJobState(JobState.Running);
            pool.Core.Register(_result);
            pool.Core.Change(() =>
            {
                _result.Pending.Add(0, null, NullItem);
                _result.InputComplete = true;
            });
        }

        /// <summary>The pool the script block runs in.</summary>
        public string PoolName => _pool.Name;

        /// <summary>The pool's name.</summary>
        public override string StatusMessage => _pool.Name;

        private void Finish(JobState state)
        {
            if (Interlocked.Exchange(ref _finished, 1) != 0)
            {
                return;
            }

            _pool.Core.Unregister(_result);

            // As Start-Job's and ThreadJob's, a failed job says why in JobStateInfo.Reason.
            Exception? reason = state == JobState.Failed ? _result.LastError?.Exception : null;
            if (!_ownsPool)
            {
                SetJobState(state, reason);
                return;
            }

            // The job's own pool ends before the job does, so that a finished job leaves no process;
            // not on the thread that reported the end, which may be one the pool's end waits for.
            Task.Run(() =>
            {
                _pool.Terminate();
                SetJobState(state, reason);
            });
        }

        /// <summary>Cancels the apply: the pool drops it, and stops its item if a worker runs it.</summary>
        public override void StopJob()
        {
            _result.Cancelled = true;
            Finish(JobState.Stopped);
        }

        /// <summary>Stops the job (see <see cref="StopJob"/>) and reports it done.</summary>
        public override void StopJobAsync()
        {
            StopJob();
            OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        }

        /// <summary>Stops the job if it still runs.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing && !IsFinishedState(JobStateInfo.State))
            {
                StopJob();
            }

            base.Dispose(disposing);
        }
    }
}
