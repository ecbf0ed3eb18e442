using System;
using System.Collections.Generic;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// Keeps one idle worker, with its engine already open, ready for the next start on a transport
    /// (<see cref="WorkerSpare"/> holds the session's one for local workers). A spare is started only
    /// after a quiet period, so it never competes with the starts it is meant to speed up.
    /// </summary>
    internal sealed class WarmSpare
    {
        private static readonly TimeSpan EndLimit = TimeSpan.FromSeconds(5);
        private readonly IWorkerTransport _transport;
        private readonly TimeSpan _quietPeriod;
        private readonly object _lock = new object();

        // Set while no spare is being started; Clear waits on it so that no spare outlives it.
        private readonly ManualResetEventSlim _idle = new ManualResetEventSlim(true);
        private WorkerClient? _spare;
        private Dictionary<string, string>? _spareEnvironment;
        private Timer? _timer;
        private ISharedFrames? _shared;
        private bool _starting;

        // Raised by Clear: a start that began before it does not keep its worker.
        private int _generation;

        /// <summary>A spare on <paramref name="transport"/>, started once no start has come for <paramref name="quietPeriod"/>.</summary>
        public WarmSpare(IWorkerTransport transport, TimeSpan quietPeriod)
        {
            _transport = transport;
            _quietPeriod = quietPeriod;
        }

        /// <summary>
        /// A worker for a new start: the spare when there is one, else a fresh process in
        /// <paramref name="workingDirectory"/>. <paramref name="environmentChanges"/> are the
        /// session's environment's changes since the spare started, for its setup.
        /// </summary>
        public WorkerClient Take(string? workingDirectory, out List<KeyValuePair<string, string?>> environmentChanges, ISharedFrames? shared = null)
        {
            WorkerClient? spare;
            Dictionary<string, string>? spareEnvironment;
            lock (_lock)
            {
                spare = _spare;
                spareEnvironment = _spareEnvironment;
                _spare = null;
            }

            environmentChanges = new List<KeyValuePair<string, string?>>();
            if (spare != null && !spare.HasExited)
            {
                // A spare is always kept with the environment it started with.
                environmentChanges = EnvironmentDiff.Compute(spareEnvironment!, Snapshot(), OSFamilies.Current);
                return spare;
            }

            spare?.Dispose();
            return WorkerClient.Start(_transport, workingDirectory, shared);
        }

        /// <summary>Schedules a new spare after a quiet period (when enabled), its shared-object frames to go to <paramref name="shared"/>.</summary>
        public void Replenish(bool enabled, ISharedFrames? shared = null)
        {
            if (!enabled)
            {
                Clear();
                return;
            }

            lock (_lock)
            {
                _shared = shared;
                if (_timer == null)
                {
                    _timer = new Timer(_ => StartSpare(), null, _quietPeriod, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    _timer.Change(_quietPeriod, Timeout.InfiniteTimeSpan);
                }
            }
        }

        /// <summary>
        /// Starts the spare on the timer's thread. The process starts outside the lock, so a start
        /// that takes the spare (or finds none) never waits for one being made; a spare whose start
        /// ends after a Clear is ended at once.
        /// </summary>
        private void StartSpare()
        {
            int generation;
            ISharedFrames? shared;
            lock (_lock)
            {
                if (_timer == null || _starting || (_spare != null && !_spare.HasExited))
                {
                    return;
                }

                _starting = true;
                _idle.Reset();
                generation = _generation;
                shared = _shared;
            }

            WorkerClient? started = null;
            Dictionary<string, string>? environment = null;
            try
            {
                environment = Snapshot();
                started = WorkerClient.Start(_transport, null, shared);
            }
            catch (Exception)
            {
                // No spare this time: the next start makes its own process.
            }

            WorkerClient? unwanted = started;
            lock (_lock)
            {
                _starting = false;
                if (started != null && generation == _generation)
                {
                    unwanted = _spare;
                    _spare = started;
                    _spareEnvironment = environment;
                }
            }

            End(unwanted);
            _idle.Set();
        }

        /// <summary>The connection is no longer a spare (a start took it another way).</summary>
        public void Forget(WorkerClient? connection)
        {
            lock (_lock)
            {
                if (ReferenceEquals(_spare, connection))
                {
                    _spare = null;
                }
            }
        }

        /// <summary>Ends the spare and cancels any planned one; a spare being started is ended too before this returns.</summary>
        public void Clear()
        {
            WorkerClient? spare;
            lock (_lock)
            {
                _timer?.Dispose();
                _timer = null;
                _generation++;
                spare = _spare;
                _spare = null;
            }

            End(spare);
            _idle.Wait(EndLimit + EndLimit);
        }

        /// <summary>Ends a spare and waits a moment for its exit, never under the lock.</summary>
        private static void End(WorkerClient? spare)
        {
            if (spare != null)
            {
                spare.Dispose();
                spare.WaitForExit(EndLimit);
            }
        }

        private static Dictionary<string, string> Snapshot() => EnvironmentDiff.Snapshot(OSFamilies.Current);
    }
}
