using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Records;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// A pool's state and its lifecycle [Pool]: its workers, the results whose items it runs, and one
    /// lock over both. Under the lock only state changes and decisions happen; sends, process starts,
    /// kills and callbacks are collected in <see cref="PoolEffects"/> and run after it is released.
    /// Scheduling is <see cref="ChunkScheduler"/>'s, worker lives <see cref="WorkerSupervisor"/>'s,
    /// frames from workers <see cref="FrameRouter"/>'s.
    /// </summary>
    internal sealed class WorkerPool
    {
        private readonly int _processCount;
        private long _chunkId;
        private long _taskId;
        private long _tasksCompleted;

        /// <summary>A pool that starts no worker until <see cref="Start"/>.</summary>
        /// <param name="name">The pool's name.</param>
        /// <param name="processCount">Workers in all, or on each host when <paramref name="transports"/> name other hosts.</param>
        /// <param name="maxTasksPerWorker">Items a worker runs before a fresh process replaces it; 0 for no limit.</param>
        /// <param name="setup">Each worker's folder, environment and variables.</param>
        /// <param name="initScript">The script each worker runs once first, or null.</param>
        /// <param name="initArgs">The arguments of <paramref name="initScript"/>.</param>
        /// <param name="transports">Where workers start; null or empty for local processes.</param>
        /// <param name="owner">What errors about the pool name as their target; null for the pool itself.</param>
        /// <param name="languageMode">The language mode the scripts run in.</param>
        public WorkerPool(string name, int processCount, int maxTasksPerWorker, WorkerSetup setup, string? initScript, object?[]? initArgs, IReadOnlyList<IWorkerTransport>? transports, object? owner, PSLanguageMode languageMode = PSLanguageMode.FullLanguage)
        {
            Name = name;
            _processCount = processCount;
            MaxTasksPerWorker = maxTasksPerWorker;
            Owner = owner ?? this;
            Supervisor = new WorkerSupervisor(this, setup, PoolInit.EncodeScript(initScript, initArgs, languageMode), transports, processCount);
            Router = new FrameRouter(this);
        }

        /// <summary>Guards everything below, each worker's and each result's state.</summary>
        public object Lock { get; } = new object();

        public List<PoolWorker> Workers { get; } = new List<PoolWorker>();

        /// <summary>Those of <see cref="Workers"/> that may take another chunk.</summary>
        public FreeWorkers Free { get; } = new FreeWorkers();

        /// <summary>The shapes of the rows among maps' input items, numbered for the whole pool as items are encoded; each worker is sent those it lacks before a chunk.</summary>
        public Channel.ShapeWriter InputShapes { get; } = Channel.ShapeWriter.Unsent();

        public List<PoolResult> Results { get; } = new List<PoolResult>();

        public string Name { get; }

        public int ProcessCount => Supervisor.Hosts == null ? _processCount : _processCount * Supervisor.Hosts.ActiveCount;

        /// <summary>Where its workers run: this machine, or the hosts that answered.</summary>
        public string[] Hosts => Supervisor.Hosts?.Locations ?? new[] { Environment.MachineName };

        public int MaxTasksPerWorker { get; }

        /// <summary>What errors about the pool name as their target (the user's ProcessPool).</summary>
        public object Owner { get; }

        public PoolState State { get; set; } = PoolState.Running;

        /// <summary>Set when the pool gave up starting workers; calls then end with this error.</summary>
        public ErrorRecord? Broken { get; set; }

        public WorkerSupervisor Supervisor { get; }

        public FrameRouter Router { get; }

        public long TasksCompleted => Interlocked.Read(ref _tasksCompleted);

        public void CountCompleted(int items) => Interlocked.Add(ref _tasksCompleted, items);

        public long NextTaskId() => Interlocked.Increment(ref _taskId);

        /// <summary>What item ends and timeout checks take as now: a test replaces it to hold a thread at a step of a race.</summary>
        public Func<DateTime> Clock { get; set; } = () => DateTime.UtcNow;

        /// <summary>Starts the pool's workers; they take work once their initialization has run.</summary>
        public void Start() => Run(new PoolEffects { Starts = ProcessCount });

        public int[] WorkerProcessIds
        {
            get
            {
                lock (Lock)
                {
                    return Workers.Where(w => !w.Retiring && !w.Client.HasExited).Select(w => w.Client.ProcessId).ToArray();
                }
            }
        }

        /// <summary>Adds a result (a map or an apply); its items are sent as workers become free.</summary>
        public void Register(PoolResult result)
        {
            lock (Lock)
            {
                if (State != PoolState.Running)
                {
                    throw new InvalidOperationException($"The process pool '{Name}' has been removed.");
                }

                if (Broken != null)
                {
                    throw new PoolBrokenException(Broken);
                }

                Results.Add(result);
            }
        }

        /// <summary>Queues one item of a result.</summary>
        public void Enqueue(PoolResult result, long sequence, object? item, byte[] encoded)
        {
            lock (Lock)
            {
                result.Pending.Add(sequence, item, encoded);
            }
        }

        /// <summary>Runs <paramref name="change"/> under the lock (to queue several items at once), then dispatches.</summary>
        public void Change(Action change)
        {
            var effects = new PoolEffects();
            lock (Lock)
            {
                change();
                DispatchLocked(effects);
            }

            Run(effects);
        }

        /// <summary>Sends queued items to free workers.</summary>
        public void Dispatch() => Change(() => { });

        /// <summary>Called under the lock: assigns what waits to free workers.</summary>
        public void DispatchLocked(PoolEffects effects)
        {
            if (State != PoolState.Terminated)
            {
                ChunkScheduler.Assign(Free, Workers.Count, Results, MaxTasksPerWorker, () => ++_chunkId, DateTime.UtcNow, effects, InputShapes);
            }
        }

        /// <summary>Ends a result: its queued items are dropped; its running chunks are stopped if it was cancelled.</summary>
        public void Unregister(PoolResult result)
        {
            var effects = new PoolEffects();
            lock (Lock)
            {
                Results.Remove(result);
                result.Pending.Clear();
                foreach (PoolWorker worker in Workers)
                {
                    foreach (Chunk chunk in worker.InFlight)
                    {
                        if (chunk.Result == result && result.Cancelled)
                        {
                            worker.Stage(Channel.FrameKind.StopPipeline, Encode(chunk.Id));
                            effects.Flush(worker);
                        }
                    }

                    if (result.DefinedOn.Contains(worker))
                    {
                        worker.Stage(Channel.FrameKind.DropTask, Encode(result.Task.Id));
                        effects.Flush(worker);
                    }
                }

                Monitor.PulseAll(Lock);
            }

            Run(effects);
        }

        private static byte[] Encode(long marker)
        {
            var payload = new Channel.PayloadWriter(16);
            Marker.Write(payload, marker);
            return payload.ToArray();
        }

        /// <summary>Runs collected effects outside the lock, then starts the workers they ask for.</summary>
        public void Run(PoolEffects effects)
        {
            effects.Run();
            int starts = effects.Starts;
            effects.Starts = 0;
            for (int i = 0; i < starts; i++)
            {
                Supervisor.StartWorker();
            }
        }

        /// <summary>
        /// Waits until the session has read the console text that the workers which ran chunks of
        /// <paramref name="result"/> wrote so far (see <see cref="ConsoleSync"/>), at most
        /// <paramref name="timeout"/>. Only they can have written the result's text: a worker still
        /// starting answers only once it has started, and waiting for it held a one-item map on a new
        /// pool of 8 on two hosts for a second after its result.
        /// </summary>
        /// <returns>False when a worker did not answer in time.</returns>
        public bool SyncConsole(PoolResult result, TimeSpan timeout, CancellationToken cancellation)
        {
            List<Connection.WorkerClient> clients;
            lock (Lock)
            {
                clients = Workers.Where(result.DefinedOn.Contains).Select(w => w.Client).ToList();
            }

            var deadline = DateTime.UtcNow + timeout;
            foreach (ManualResetEventSlim synced in clients.Select(c => c.RequestConsoleSync()).ToList())
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !synced.Wait(left, cancellation))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Fails every result (under the lock): the pool cannot run their items any more.</summary>
        public void FailAllLocked(ErrorRecord error, PoolEffects effects)
        {
            foreach (PoolResult result in Results.ToArray())
            {
                result.Pending.Clear();
                effects.Callback(() => result.OnFatal(error));
            }
        }

        /// <summary>Waits until no result has work queued or running [close(); join()], then lets the workers exit.</summary>
        public void Close(CancellationToken cancellation)
        {
            var effects = new PoolEffects();
            using (cancellation.Register(() => { lock (Lock) { Monitor.PulseAll(Lock); } }))
            {
                lock (Lock)
                {
                    if (State != PoolState.Running)
                    {
                        return;
                    }

                    State = PoolState.Closed;
                    while ((Results.Any(r => !r.Cancelled && r.Pending.Count > 0) || Workers.Any(w => w.InFlight.Count > 0))
                        && Broken == null && !cancellation.IsCancellationRequested)
                    {
                        Monitor.Wait(Lock);
                    }

                    if (!cancellation.IsCancellationRequested)
                    {
                        foreach (PoolWorker worker in Workers)
                        {
                            worker.Retiring = true;
                            effects.CloseChannel(worker.Client);
                        }
                    }
                }
            }

            if (cancellation.IsCancellationRequested)
            {
                // Ctrl+C: nobody waits any more for the work to finish; end the workers now.
                End(PoolState.Terminated);
                cancellation.ThrowIfCancellationRequested();
            }

            Run(effects);
            Supervisor.WaitForWorkers(TimeSpan.FromSeconds(10));
            End(PoolState.Closed);
        }

        /// <summary>Ends every worker at once [terminate()].</summary>
        public void Terminate() => End(PoolState.Terminated);

        private void End(PoolState final)
        {
            var effects = new PoolEffects();
            lock (Lock)
            {
                if (State == PoolState.Terminated || (State == PoolState.Closed && final == PoolState.Terminated && Workers.Count == 0 && Results.Count == 0))
                {
                    return;
                }

                State = final;
                FailAllLocked(Errors.PoolRemoved(Name, Owner), effects);
                foreach (PoolWorker worker in Workers)
                {
                    worker.Retiring = true;
                    effects.Kill(worker.Client);
                }

                Monitor.PulseAll(Lock);
            }

            Run(effects);
            Supervisor.WaitForWorkers(TimeSpan.FromSeconds(10));
        }
    }
}
