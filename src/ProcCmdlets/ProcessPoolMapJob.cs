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
        private readonly ProcessPool _pool;
        private readonly bool _ownsPool;
        private readonly MapResult _result;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Thread _drainer;
        private readonly JobRecordSink _sink;
        private readonly MapPump _pump;
        private ErrorRecord? _fatal;
        private int _ended;

        internal ProcessPoolMapJob(string command, ProcessPool pool, bool ownsPool, MapResult result, IList<KeyValuePair<object?, byte[]>> items)
            : base(command, null)
        {
            PSJobTypeName = "ProcessPoolMap";
            _pool = pool;
            _ownsPool = ownsPool;
            _result = result;
            _sink = new JobRecordSink(this);
            _pump = new MapPump(pool.Core, result, _sink, e => _fatal = e);
            pool.Core.Register(result);
            SetJobState(JobState.Running);
            pool.Core.Change(() =>
            {
                for (int i = 0; i < items.Count; i++)
                {
                    result.Pending.Add(i, items[i].Key, items[i].Value);
                }

                result.Submitted = items.Count;
                result.InputComplete = true;
            });

            // Only this thread drains the map's results, as the pipeline thread does for a map without -AsJob.
            _drainer = new Thread(Drain) { IsBackground = true, Name = "ProcCmdlets map job " + Id };
            _drainer.Start();
        }

        /// <summary>The pool the items run in.</summary>
        public string PoolName => _pool.Name;

        /// <summary>Items whose results are all in the job's streams.</summary>
        public long ItemsFinished => _result.Finished;

        /// <summary>Items the map was given.</summary>
        public long ItemCount => _result.Submitted;

        /// <summary>How many items have finished, of how many.</summary>
        public override string StatusMessage => $"{_result.Finished} of {_result.Submitted} items";

        private void Drain()
        {
            try
            {
                while (!_result.AllFinished && _fatal == null)
                {
                    _pump.Pump(_stop.Token);
                }

                if (_fatal == null)
                {
                    _pump.Finish(_stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                _fatal = Errors.Create(e, "MapJobFailed", ErrorCategory.NotSpecified, _pool);
            }

            if (_fatal != null)
            {
                _sink.Write(StreamKind.Error, _fatal);
            }

            End(_fatal == null ? JobState.Completed : JobState.Failed, _fatal?.Exception);
        }

        private void End(JobState state, Exception? reason)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            _pump.End(state == JobState.Completed);
            if (_ownsPool)
            {
                _pool.Terminate();
            }

            SetJobState(state, reason);
        }

        /// <summary>Stops the map: its queued items are dropped and the workers running its items are ended.</summary>
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

        /// <summary>Stops the job (see <see cref="StopJob"/>) and reports it done.</summary>
        public override void StopJobAsync()
        {
            StopJob();
            OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        }

        /// <summary>Stops the job if it still runs.</summary>
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
