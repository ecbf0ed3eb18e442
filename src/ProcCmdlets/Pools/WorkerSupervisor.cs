using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Records;
using ProcCmdlets.Shared;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Keeps a pool's workers alive: starts them, replaces the ones that die or retire, blames the
    /// item a dead worker was running and puts its other items back, kills workers whose item ran
    /// past its timeout, and gives up after repeated failed starts.
    /// </summary>
    internal sealed class WorkerSupervisor
    {
        private const int MaxFailedStarts = 3;

        private readonly WorkerPool _pool;
        private readonly WorkerSetup _setup;
        private readonly byte[] _initScript;
        private readonly RemoteHosts? _hosts;
        private int _failedStarts;
        private string? _lastStartFailure;

        /// <summary>The supervisor of <paramref name="pool"/>'s workers.</summary>
        /// <param name="pool">The pool whose workers it keeps.</param>
        /// <param name="setup">Each worker's folder, environment and variables.</param>
        /// <param name="initScript">The encoded initialization script each worker is sent first.</param>
        /// <param name="transports">Where workers start, <paramref name="perHost"/> on each; null or empty for local processes (with the warm spare).</param>
        /// <param name="perHost">Workers on each host of <paramref name="transports"/>.</param>
        public WorkerSupervisor(WorkerPool pool, WorkerSetup setup, byte[] initScript, IReadOnlyList<IWorkerTransport>? transports, int perHost)
        {
            _pool = pool;
            _setup = setup;
            _initScript = initScript;
            _hosts = transports == null || transports.Count == 0 ? null : new RemoteHosts(pool, transports, perHost, StartOn);
        }

        /// <summary>The hosts of a pool on other machines; null for a local pool.</summary>
        public RemoteHosts? Hosts => _hosts;

        /// <summary>Starts one worker and sends it its setup; called without the pool's lock.</summary>
        public void StartWorker()
        {
            if (_hosts != null)
            {
                // A host picks its own moment: after failed connections it waits (back-off).
                _hosts.StartOne();
                return;
            }

            WorkerSetup setup = WorkerStart.Copy(_setup, _setup.WorkingDirectory);
            Launch(WorkerStart.Local(setup, SharedDispatcher.Session), setup, null);
        }

        private void StartOn(HostSlot slot)
        {
            WorkerClient client;
            try
            {
                client = WorkerStart.Remote(slot.Transport, SharedDispatcher.Session);
            }
            catch (Exception e)
            {
                _pool.Run(_hosts!.OnConnectFailed(slot, "ssh could not be started: " + e.Message));
                return;
            }

            Launch(client, WorkerStart.Copy(_setup, null), slot);
        }

        private void Launch(WorkerClient client, WorkerSetup setup, HostSlot? slot)
        {
            var worker = new PoolWorker(client) { Host = slot };
            lock (_pool.Lock)
            {
                if (_pool.State == PoolState.Terminated || (slot != null && slot.Dropped))
                {
                    worker.Retiring = true;
                }

                _pool.Workers.Add(worker);
                if (slot != null)
                {
                    slot.Pending--;
                    slot.Workers.Add(worker);
                }
            }

            if (worker.Retiring)
            {
                client.Kill();
            }

            if (slot != null && client.Link is AgentWorkerLink host)
            {
                host.WhenHostAnswers(() => _hosts!.OnHostAnswered(slot, host));
            }

            var payload = new PayloadWriter();
            PoolInit.Write(payload, setup, _initScript);
            client.TrySend(FrameKind.PoolInit, payload);
            client.Attach(f => _pool.Router.OnFrame(worker, f), line => _pool.Router.OnConsoleLine(worker, line), c => OnExit(worker));
            DebugTrace.Write("pool {0}: worker {1} started on {2}", _pool.Name, client.ProcessId, client.Location);
        }

        /// <summary>A worker's initialization finished (under the pool's lock).</summary>
        public void OnInitDoneLocked(PoolWorker worker, bool ok, PoolEffects effects)
        {
            if (ok)
            {
                worker.Ready = true;
                _pool.Free.Offer(worker);
                _failedStarts = 0;
                _hosts?.OnReadyLocked(worker);
                _pool.DispatchLocked(effects);
            }
            else
            {
                worker.InitFailed = true;
                _lastStartFailure = worker.InitErrors.Count > 0 ? string.Join("; ", worker.InitErrors) : "its initialization script failed";
            }
        }

        /// <summary>After a chunk ends (under the lock): a worker that has run its share is replaced by a fresh one.</summary>
        public void RetireIfDoneLocked(PoolWorker worker, PoolEffects effects)
        {
            if (_pool.MaxTasksPerWorker > 0 && worker.Assigned >= _pool.MaxTasksPerWorker && worker.InFlight.Count == 0 && !worker.Retiring)
            {
                worker.Retiring = true;
                DebugTrace.Write("pool {0}: worker {1} retired after {2} items", _pool.Name, worker.Client.ProcessId, worker.Assigned);
                effects.CloseChannel(worker.Client);
                if (_pool.State != PoolState.Terminated)
                {
                    effects.Starts++;
                }
            }
        }

        private void OnExit(PoolWorker worker)
        {
            var effects = new PoolEffects();
            lock (_pool.Lock)
            {
                _pool.Workers.Remove(worker);
                _pool.Free.Remove(worker);
                bool intentional = worker.Retiring || _pool.State == PoolState.Terminated;
                DebugTrace.Write("pool {0}: worker {1} exited with status {2}{3}", _pool.Name, worker.Client.ProcessId, worker.Client.ExitCode, intentional ? " (retired or pool ended)" : string.Empty);
                CrashBlame.Settle(worker, intentional || worker.TimedOut, effects);
                worker.LastSeen = null;
                WorkerClient client = worker.Client;
                worker.Host?.Workers.Remove(worker);
                if (worker.Host != null && !intentional && client.Hello == null)
                {
                    // The connection failed or the host could not start the worker: that host's
                    // business (back-off, or leave it out); the other hosts go on.
                    _hosts!.OnConnectFailedLocked(worker.Host, client, effects);
                }
                else if (!intentional && (worker.InitFailed || (!worker.Ready && !ExitStatus.KilledFromOutside(client.ExitCode))))
                {
                    _failedStarts++;
                    _lastStartFailure = _lastStartFailure ?? client.ChannelFault
                        ?? $"a worker process ended with exit status {client.ExitCode} while starting: {client.ConsoleTail()}";
                }

                if (_pool.State != PoolState.Terminated && !worker.Retiring && _pool.Broken == null)
                {
                    if (_failedStarts >= MaxFailedStarts)
                    {
                        _pool.Broken = Errors.PoolBroken(_pool.Name, _pool.Owner, $"{_failedStarts} worker processes failed to start ({_lastStartFailure}).");
                        _pool.FailAllLocked(_pool.Broken, effects);
                    }
                    else
                    {
                        effects.Starts++;
                    }
                }

                _pool.DispatchLocked(effects);
                Monitor.PulseAll(_pool.Lock);
            }

            _pool.Run(effects);
        }

        /// <summary>Kills workers whose current item of a result with a timeout has run too long.</summary>
        public void CheckTimeouts()
        {
            var effects = new PoolEffects();
            DateTime now = _pool.Clock();
            lock (_pool.Lock)
            {
                foreach (PoolWorker worker in _pool.Workers)
                {
                    Chunk? chunk = worker.InFlight.First?.Value;
                    if (chunk != null && Timeouts.IsOverdue(chunk, now))
                    {
                        int index = chunk.Done;
                        chunk.AbandonedIndex = index;
                        worker.TimedOut = true;
                        ProcCmdlets.Pools.PoolResult result = chunk.Result;
                        var error = Errors.Timeout(result.TimeoutSeconds, chunk.Items[index]);
                        effects.Callback(() => result.OnItemFailed(chunk, index, error));
                        effects.Kill(worker.Client);
                        DebugTrace.Write("pool: worker {0} killed, item {1} of chunk {2} was due by {3:HH:mm:ss.fff}", worker.Client.ProcessId, index, chunk.Id, chunk.ItemDueAt.AddSeconds(result.TimeoutSeconds));
                    }
                }
            }

            _pool.Run(effects);
        }

        /// <summary>Waits for the pool's workers to exit, killing those that outlast the timeout.</summary>
        public void WaitForWorkers(TimeSpan timeout)
        {
            PoolWorker[] workers;
            lock (_pool.Lock)
            {
                workers = _pool.Workers.ToArray();
            }

            DateTime deadline = DateTime.UtcNow + timeout;
            foreach (PoolWorker worker in workers)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (!worker.Client.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
                {
                    worker.Client.Kill();
                    worker.Client.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
        }
    }
}
