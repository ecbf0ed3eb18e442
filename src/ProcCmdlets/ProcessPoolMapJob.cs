using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Pools;
using ProcCmdlets.Records;

namespace ProcCmdlets
{
    /// <summary>
    /// The job <c>Invoke-ProcessPoolMap -AsJob</c> returns [map_async]: its output is the map's
    /// results in input order (as they are ready, for Receive-Job), its error stream the items'
    /// errors. Stop-Job stops the map; a temporary pool ends with the job.
    /// </summary>
    public sealed class ProcessPoolMapJob : ProcCmdletsJob
    {
        private static readonly TimeSpan ConsoleSyncLimit = TimeSpan.FromSeconds(1);

        private readonly ProcessPool _pool;
        private readonly bool _ownsPool;
        private readonly MapResult _run;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Thread _drainer;
        private int _ended;

        internal ProcessPoolMapJob(string command, ProcessPool pool, bool ownsPool, MapResult run, IList<KeyValuePair<object, byte[]>> items)
            : base(command, null)
        {
            PSJobTypeName = "ProcessPoolMap";
            _pool = pool;
            _ownsPool = ownsPool;
            _run = run;
            pool.Core.Register(run);
            SetJobState(JobState.Running);
            pool.Core.Change(() =>
            {
                for (int i = 0; i < items.Count; i++)
                {
                    run.Pending.Add(i, items[i].Key, items[i].Value);
                }

                run.Submitted = items.Count;
                run.InputComplete = true;
            });

            // Only this thread drains the map's results, as the pipeline thread does for a map without -AsJob.
            _drainer = new Thread(Drain) { IsBackground = true, Name = "ProcCmdlets map job " + Id };
            _drainer.Start();
        }

        /// <summary>The pool the items run in.</summary>
        public string PoolName => _pool.Name;

        /// <summary>Items whose results are all in the job's streams.</summary>
        public long ItemsFinished => _run.Finished;

        /// <summary>Items the map was given.</summary>
        public long ItemCount => _run.Submitted;

        public override string StatusMessage => $"{_run.Finished} of {_run.Submitted} items";

        private void Drain()
        {
            var sink = new JobRecordSink(this);
            ErrorRecord fatal = null;
            try
            {
                while (!_run.AllFinished && fatal == null)
                {
                    _run.Wait(TimeSpan.FromMilliseconds(_run.TimeoutSeconds > 0 ? 50 : 250), _stop.Token);
                    _run.Drain(sink, e => fatal = e);
                    if (_run.TimeoutSeconds > 0)
                    {
                        _pool.Core.Supervisor.CheckTimeouts();
                    }
                }

                if (fatal == null)
                {
                    _pool.Core.SyncConsole(ConsoleSyncLimit, _stop.Token);
                    _run.Drain(sink, e => fatal = e);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                fatal = Errors.Create(e, "MapJobFailed", ErrorCategory.NotSpecified, _pool);
            }

            if (fatal != null)
            {
                sink.Write(StreamKind.Error, fatal);
            }

            End(fatal == null ? JobState.Completed : JobState.Failed, fatal?.Exception);
        }

        private void End(JobState state, Exception reason)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            if (state != JobState.Completed)
            {
                _run.Cancelled = true;
            }

            // No worker stays paused, nor its reader stopped (RecordFlow), for a job that no longer drains.
            _run.ReleaseWorkers();
            _pool.Core.Unregister(_run);
            if (_ownsPool)
            {
                _pool.Terminate();
            }

            SetJobState(state, reason);
        }

        public override void StopJob()
        {
            if (IsFinishedState(JobStateInfo.State))
            {
                return;
            }

            SetJobState(JobState.Stopping);
            _stop.Cancel();
            End(JobState.Stopped, null);
        }

        public override void StopJobAsync()
        {
            StopJob();
            OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        }

        protected override void Dispose(bool disposing)
        {
            // The token source is not disposed: the drain thread may still be looking at its token.
            if (disposing && !IsFinishedState(JobStateInfo.State))
            {
                StopJob();
            }

            base.Dispose(disposing);
        }
    }
}
