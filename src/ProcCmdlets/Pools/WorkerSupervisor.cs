using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Records;
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
        private readonly IWorkerTransport _transport;
        private int _failedStarts;
        private string _lastStartFailure;

        /// <param name="transport">Where workers start; null for local processes (with the warm spare).</param>
        public WorkerSupervisor(WorkerPool pool, WorkerSetup setup, byte[] initScript, IWorkerTransport transport)
        {
            _pool = pool;
            _setup = setup;
            _initScript = initScript;
            _transport = transport;
        }

        /// <summary>Starts one worker and sends it its setup; called without the pool's lock.</summary>
        public void StartWorker()
        {
            WorkerClient client;
            var environmentChanges = new List<KeyValuePair<string, string>>();
            if (_transport == null)
            {
                client = WorkerSpare.Take(_setup.WorkingDirectory, out environmentChanges);
            }
            else
            {
                client = WorkerClient.Start(_transport, _setup.WorkingDirectory);
            }

            var worker = new PoolWorker(client);
            lock (_pool.Lock)
            {
                if (_pool.State == PoolState.Terminated)
                {
                    worker.Retiring = true;
                }

                _pool.Workers.Add(worker);
            }

            if (worker.Retiring)
            {
                client.Kill();
            }

            var setup = new WorkerSetup { WorkingDirectory = _setup.WorkingDirectory };
            setup.Environment.AddRange(environmentChanges);
            setup.Environment.AddRange(_setup.Environment);
            setup.Variables.AddRange(_setup.Variables);
            var payload = new PayloadWriter();
            PoolInit.Write(payload, setup, _initScript);
            client.TrySend(FrameKind.PoolInit, payload);
            client.Attach(f => _pool.Router.OnFrame(worker, f), line => _pool.Router.OnConsoleLine(worker, line), c => OnExit(worker));
        }

        /// <summary>A worker's initialization finished (under the pool's lock).</summary>
        public void OnInitDoneLocked(PoolWorker worker, bool ok, PoolEffects effects)
        {
            if (ok)
            {
                worker.Ready = true;
                _failedStarts = 0;
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
                bool intentional = worker.Retiring || _pool.State == PoolState.Terminated;
                CrashBlame.Settle(worker, intentional, effects);
                worker.LastSeen = null;
                WorkerClient client = worker.Client;
                if (!intentional && (worker.InitFailed || (!worker.Ready && !ExitStatus.KilledFromOutside(client.ExitCode))))
                {
                    _failedStarts++;
                    _lastStartFailure = _lastStartFailure ?? client.ChannelFault
                        ?? $"a worker process ended with exit status {client.ExitCode} while starting: {client.ConsoleTail()}";
                }

                if (_pool.State != PoolState.Terminated && !worker.Retiring)
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

        /// <summary>Kills workers whose current item of a call with a timeout has run too long.</summary>
        public void CheckTimeouts()
        {
            var effects = new PoolEffects();
            lock (_pool.Lock)
            {
                DateTime now = DateTime.UtcNow;
                foreach (PoolWorker worker in _pool.Workers)
                {
                    Chunk chunk = worker.InFlight.First?.Value;
                    if (chunk != null && Timeouts.IsOverdue(chunk, now))
                    {
                        int index = chunk.Done;
                        chunk.AbandonedIndex = index;
                        ProcCmdlets.Pools.PoolResult result = chunk.Result;
                        var error = Errors.Timeout(result.TimeoutSeconds, chunk.Items[index]);
                        effects.Callback(() => result.OnItemFailed(chunk, index, error));
                        effects.Kill(worker.Client);
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
