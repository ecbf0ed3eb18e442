using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Engine;
using ProcCmdlets.Pools;

namespace ProcCmdlets
{
    /// <summary>A pool that gave up starting workers.</summary>
    internal sealed class PoolBrokenException : Exception
    {
        public PoolBrokenException(ErrorRecord error)
            : base(error.Exception.Message)
        {
            Error = error;
        }

        public ErrorRecord Error { get; }
    }

    /// <summary>The states of a process pool.</summary>
    public enum PoolState
    {
        Running,
        Closed,
        Terminated,
    }

    /// <summary>
    /// A fixed number of reusable worker processes that run the items of maps and applies
    /// [multiprocessing.Pool]. A worker that dies is replaced; the item it was running gives a
    /// WorkerCrashed error and the items queued on it run elsewhere.
    /// </summary>
    public sealed class ProcessPool : IDisposable
    {
        private const int MaxFailedStarts = 3;

        private readonly object _lock = new object();
        private readonly List<PoolWorker> _workers = new List<PoolWorker>();
        private readonly List<PoolRun> _runs = new List<PoolRun>();
        private readonly WorkerSetup _setup;
        private readonly byte[] _initTail;
        private long _chunkId;
        private long _taskId;
        private long _tasksCompleted;
        private int _failedStarts;
        private string _lastStartFailure;

        internal ProcessPool(string name, int processCount, int maxTasksPerWorker, WorkerSetup setup, string initScript, object[] initArgs)
        {
            Name = name;
            ProcessCount = processCount;
            MaxTasksPerWorker = maxTasksPerWorker;
            _setup = setup;
            var tail = new PayloadWriter();
            tail.WriteString(initScript);
            WorkerSetup.WriteValues(tail, initArgs ?? new object[0]);
            _initTail = tail.ToArray();

            // Encoding the setup once checks every value before any process starts.
            setup.Write(new PayloadWriter());
            lock (_lock)
            {
                for (int i = 0; i < processCount; i++)
                {
                    StartWorker();
                }
            }
        }

        public string Name { get; }

        public int ProcessCount { get; }

        /// <summary>Items a worker runs before it is replaced by a fresh process; 0 for no limit.</summary>
        public int MaxTasksPerWorker { get; }

        public PoolState State { get; private set; } = PoolState.Running;

        public int[] WorkerProcessIds
        {
            get
            {
                lock (_lock)
                {
                    return _workers.Where(w => !w.Retiring && !w.Connection.HasExited).Select(w => w.Connection.ProcessId).ToArray();
                }
            }
        }

        public long TasksCompleted => Interlocked.Read(ref _tasksCompleted);

        internal long NextTaskId() => Interlocked.Increment(ref _taskId);

        private void StartWorker()
        {
            WorkerConnection connection = WorkerSpare.Take(_setup.WorkingDirectory, out var environmentChanges);
            var worker = new PoolWorker(connection);
            _workers.Add(worker);
            var setup = new WorkerSetup { WorkingDirectory = _setup.WorkingDirectory };
            setup.Environment.AddRange(environmentChanges);
            setup.Environment.AddRange(_setup.Environment);
            setup.Variables.AddRange(_setup.Variables);
            var payload = new PayloadWriter();
            setup.Write(payload);
            payload.WriteRaw(_initTail);
            connection.TrySend(FrameKind.PoolInit, payload);
            connection.Attach(f => OnFrame(worker, f), line => OnConsoleLine(worker, line), c => OnExit(worker));
        }

        /// <summary>Adds a run; its items are sent as workers become free.</summary>
        internal void Register(PoolRun run)
        {
            lock (_lock)
            {
                if (State != PoolState.Running)
                {
                    throw new InvalidOperationException($"The process pool '{Name}' has been removed.");
                }

                if (Broken != null)
                {
                    throw new PoolBrokenException(Broken);
                }

                _runs.Add(run);
            }
        }

        /// <summary>Sends queued items to free workers; call after queuing items.</summary>
        internal void Dispatch()
        {
            lock (_lock)
            {
                DispatchLocked();
            }
        }

        /// <summary>Runs <paramref name="action"/> under the pool's lock (to queue a run's items).</summary>
        internal void Locked(Action action)
        {
            lock (_lock)
            {
                action();
            }
        }

        /// <summary>Queues one item of a run.</summary>
        internal void Enqueue(PoolRun run, long sequence, object item, byte[] encoded)
        {
            lock (_lock)
            {
                run.AddPending(sequence, item, encoded);
            }
        }

        /// <summary>Ends a run: its queued items are dropped; its running chunks are stopped unless it finished.</summary>
        internal void Unregister(PoolRun run)
        {
            lock (_lock)
            {
                _runs.Remove(run);
                run.ClearPending();
                foreach (PoolWorker worker in _workers)
                {
                    foreach (Chunk chunk in worker.InFlight)
                    {
                        if (chunk.Run == run && run.Cancelled)
                        {
                            var stop = new PayloadWriter();
                            stop.WriteVarUInt((ulong)chunk.Id);
                            worker.Connection.TrySend(FrameKind.StopPipeline, stop);
                        }
                    }

                    if (run.DefinedOn.Contains(worker))
                    {
                        var drop = new PayloadWriter();
                        drop.WriteVarUInt((ulong)run.Task.Id);
                        worker.Connection.TrySend(FrameKind.DropTask, drop);
                    }
                }

                Monitor.PulseAll(_lock);
            }
        }

        private void DispatchLocked()
        {
            if (State == PoolState.Terminated)
            {
                return;
            }

            foreach (PoolWorker worker in _workers)
            {
                while (worker.Ready && !worker.Retiring)
                {
                    PoolRun run = _runs.FirstOrDefault(r => r.PendingCount > 0 && !r.Cancelled);
                    if (run == null)
                    {
                        return;
                    }

                    int limit = run.Prefetch(_workers.Count) ? 2 : 1;
                    if (worker.InFlight.Count >= limit)
                    {
                        break;
                    }

                    int size = run.NextChunkSize(_workers.Count);
                    if (MaxTasksPerWorker > 0)
                    {
                        size = Math.Min(size, MaxTasksPerWorker - worker.Assigned);
                        if (size <= 0)
                        {
                            break;
                        }
                    }

                    Chunk chunk = run.TakeChunk(++_chunkId, size);
                    if (run.DefinedOn.Add(worker))
                    {
                        var define = new PayloadWriter();
                        run.Task.Write(define);
                        worker.Connection.TrySend(FrameKind.DefineTask, define);
                    }

                    var payload = new PayloadWriter(64 + chunk.Encoded.Sum(e => e.Length));
                    payload.WriteVarUInt((ulong)run.Task.Id);
                    payload.WriteVarUInt((ulong)chunk.Id);
                    payload.WriteVarUInt((ulong)chunk.Items.Length);
                    foreach (byte[] item in chunk.Encoded)
                    {
                        payload.WriteRaw(item);
                    }

                    worker.InFlight.AddLast(chunk);
                    worker.LastRun = run;
                    worker.Assigned += chunk.Items.Length;
                    worker.Connection.TrySend(FrameKind.RunChunk, payload);
                }
            }
        }

        private void OnFrame(PoolWorker worker, Frame frame)
        {
            PayloadReader r = frame.Reader();
            switch (frame.Kind)
            {
                case FrameKind.Record:
                    {
                        var stream = (StreamKind)r.ReadByte();
                        long chunkId = (long)r.ReadVarUInt();
                        int index = (int)r.ReadVarInt();
                        Chunk chunk = FindOnReader(worker, chunkId);
                        if (chunk == null)
                        {
                            if (chunkId == 0 && stream == StreamKind.Error)
                            {
                                // An error of the initialization script.
                                var error = RecordCodec.ReadError(r, null, false);
                                lock (_lock)
                                {
                                    worker.InitErrors.Add(error.Exception.Message);
                                }
                            }

                            return;
                        }

                        if (index < 0 || index >= chunk.Items.Length || chunk.Run.Cancelled || index == chunk.AbandonedIndex)
                        {
                            return;
                        }

                        chunk.Run.OnRecord(chunk, index, stream, r);
                        break;
                    }

                case FrameKind.ChunkStarted:
                    lock (_lock)
                    {
                        Chunk chunk = worker.Find((long)r.ReadVarUInt());
                        if (chunk != null)
                        {
                            chunk.Started = true;
                            chunk.StartedAt = chunk.ItemStartedAt = DateTime.UtcNow;
                        }
                    }

                    break;

                case FrameKind.ItemDone:
                    {
                        Chunk chunk = FindOnReader(worker, (long)r.ReadVarUInt());
                        int index = (int)r.ReadVarUInt();
                        if (chunk == null || index >= chunk.Items.Length)
                        {
                            return;
                        }

                        chunk.Done = index + 1;
                        if (chunk.Run.TimeoutSeconds > 0)
                        {
                            chunk.ItemStartedAt = DateTime.UtcNow;
                        }

                        Interlocked.Increment(ref _tasksCompleted);
                        if (!chunk.Run.Cancelled && index != chunk.AbandonedIndex)
                        {
                            chunk.Run.OnItemDone(chunk, index);
                        }

                        break;
                    }

                case FrameKind.ChunkDone:
                    lock (_lock)
                    {
                        Chunk chunk = worker.Find((long)r.ReadVarUInt());
                        if (chunk == null)
                        {
                            return;
                        }

                        worker.InFlight.Remove(chunk);
                        chunk.Run.RecordTiming(chunk);
                        if (!chunk.Run.Cancelled)
                        {
                            for (int i = chunk.Done; i < chunk.Items.Length; i++)
                            {
                                chunk.Run.OnItemFailed(chunk, i, Errors.WorkerCrashed(
                                    "The worker's pipeline ended before this item ran.", chunk.Items[i]));
                            }
                        }

                        if (MaxTasksPerWorker > 0 && worker.Assigned >= MaxTasksPerWorker && worker.InFlight.Count == 0 && !worker.Retiring)
                        {
                            worker.Retiring = true;
                            worker.Connection.CloseChannel();
                            if (State != PoolState.Terminated)
                            {
                                StartWorker();
                            }
                        }

                        DispatchLocked();
                        Monitor.PulseAll(_lock);
                    }

                    break;

                case FrameKind.InitDone:
                    lock (_lock)
                    {
                        if (r.ReadBool())
                        {
                            worker.Ready = true;
                            _failedStarts = 0;
                            DispatchLocked();
                        }
                        else
                        {
                            worker.InitFailed = true;
                            _lastStartFailure = worker.InitErrors.Count > 0 ? string.Join("; ", worker.InitErrors) : "its initialization script failed";
                        }
                    }

                    break;
            }
        }

        /// <summary>
        /// Finds a chunk for the worker's reader thread. Chunks are removed only on that same thread,
        /// so the last one it found stays valid without taking the pool's lock for every frame.
        /// </summary>
        private Chunk FindOnReader(PoolWorker worker, long chunkId)
        {
            Chunk chunk = worker.LastSeen;
            if (chunk != null && chunk.Id == chunkId)
            {
                return chunk;
            }

            lock (_lock)
            {
                chunk = worker.Find(chunkId);
            }

            worker.LastSeen = chunk;
            return chunk;
        }

        /// <summary>
        /// Waits until the session has read the console text every worker wrote so far (see
        /// <see cref="Channel.ConsoleSync"/>), at most <paramref name="timeout"/>.
        /// </summary>
        internal void SyncConsole(TimeSpan timeout, CancellationToken cancellation)
        {
            List<WorkerConnection> connections;
            lock (_lock)
            {
                connections = _workers.Select(w => w.Connection).ToList();
            }

            var deadline = DateTime.UtcNow + timeout;
            foreach (ManualResetEventSlim synced in connections.Select(c => c.RequestConsoleSync()).ToList())
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !synced.Wait(left, cancellation))
                {
                    return;
                }
            }
        }

        private void OnConsoleLine(PoolWorker worker, string line)
        {
            PoolRun run;
            lock (_lock)
            {
                run = worker.InFlight.First?.Value.Run ?? worker.LastRun;
            }

            run?.OnConsoleLine(line, worker.Connection.ProcessId);
        }

        private void OnExit(PoolWorker worker)
        {
            lock (_lock)
            {
                _workers.Remove(worker);
                bool intentional = worker.Retiring || State == PoolState.Terminated;
                bool blamed = false;
                foreach (Chunk chunk in worker.InFlight)
                {
                    if (chunk.Run.Cancelled || chunk.Done >= chunk.Items.Length)
                    {
                        // Finished (its ChunkDone was on the way) or no longer wanted.
                        continue;
                    }

                    int from = chunk.Done;
                    if (chunk.AbandonedIndex >= 0)
                    {
                        from = chunk.AbandonedIndex + 1;
                        blamed = true;
                    }
                    else if (!blamed && chunk.Started && !intentional)
                    {
                        // Items run in order, so the first unfinished item of the first started chunk was running.
                        string tail = worker.Connection.ConsoleTail();
                        chunk.Run.OnItemFailed(chunk, chunk.Done, Errors.WorkerCrashed(
                            $"The worker process {worker.Connection.ProcessId} ended with exit status {worker.Connection.ExitCode?.ToString() ?? "unknown"} while running this item." +
                            (tail.Length > 0 ? " Its last console output: " + tail : string.Empty), chunk.Items[chunk.Done]));
                        from = chunk.Done + 1;
                        blamed = true;
                    }

                    chunk.Run.Requeue(chunk, from);
                }

                worker.InFlight.Clear();
                worker.LastSeen = null;
                if (!intentional && (worker.InitFailed || (!worker.Ready && !KilledFromOutside(worker.Connection.ExitCode))))
                {
                    _failedStarts++;
                    _lastStartFailure = _lastStartFailure ?? $"a worker process ended with exit status {worker.Connection.ExitCode} while starting: {worker.Connection.ConsoleTail()}";
                }

                if (State != PoolState.Terminated && !worker.Retiring)
                {
                    if (_failedStarts >= MaxFailedStarts)
                    {
                        FailRuns(Errors.PoolBroken(this, $"{_failedStarts} worker processes failed to start ({_lastStartFailure})."));
                    }
                    else
                    {
                        StartWorker();
                    }
                }

                DispatchLocked();
                Monitor.PulseAll(_lock);
            }
        }

        /// <summary>SIGKILL or SIGTERM from someone else: not the worker's own failure to start.</summary>
        private static bool KilledFromOutside(int? exitCode) => exitCode == 137 || exitCode == 143;

        /// <summary>Whether this pool gave up starting workers; runs then end with its error.</summary>
        internal ErrorRecord Broken { get; private set; }

        private void FailRuns(ErrorRecord error)
        {
            Broken = error;
            foreach (PoolRun run in _runs.ToArray())
            {
                run.ClearPending();
                run.OnFatal(error);
            }
        }

        /// <summary>Kills workers whose current item of a run with a timeout has run too long.</summary>
        internal void CheckTimeouts()
        {
            lock (_lock)
            {
                DateTime now = DateTime.UtcNow;
                foreach (PoolWorker worker in _workers)
                {
                    Chunk chunk = worker.InFlight.First?.Value;
                    if (chunk == null || !chunk.Started || chunk.AbandonedIndex >= 0 || chunk.Run.TimeoutSeconds <= 0
                        || chunk.Done >= chunk.Items.Length || chunk.Run.Cancelled)
                    {
                        continue;
                    }

                    if ((now - chunk.ItemStartedAt).TotalSeconds > chunk.Run.TimeoutSeconds)
                    {
                        chunk.AbandonedIndex = chunk.Done;
                        chunk.Run.OnItemFailed(chunk, chunk.Done, Errors.Timeout(chunk.Run.TimeoutSeconds, chunk.Items[chunk.Done]));
                        worker.Connection.Kill();
                    }
                }
            }
        }

        /// <summary>Waits until no run has work queued or running [close(); join()], then lets the workers exit.</summary>
        public void Close()
        {
            lock (_lock)
            {
                if (State != PoolState.Running)
                {
                    return;
                }

                State = PoolState.Closed;
                while (_runs.Any(r => !r.Cancelled && r.PendingCount > 0) || _workers.Any(w => w.InFlight.Count > 0))
                {
                    if (Broken != null)
                    {
                        break;
                    }

                    Monitor.Wait(_lock, 200);
                }

                foreach (PoolWorker worker in _workers)
                {
                    worker.Retiring = true;
                    worker.Connection.CloseChannel();
                }
            }

            WaitForWorkers(TimeSpan.FromSeconds(10));
            End(PoolState.Closed);
        }

        /// <summary>Ends every worker at once [terminate()].</summary>
        public void Terminate() => End(PoolState.Terminated);

        private void End(PoolState final)
        {
            PoolWorker[] workers;
            lock (_lock)
            {
                if (State == PoolState.Terminated || (State == PoolState.Closed && final == PoolState.Terminated && _workers.Count == 0 && _runs.Count == 0))
                {
                    return;
                }

                State = final;
                FailRuns(Errors.PoolRemoved(this));
                workers = _workers.ToArray();
                foreach (PoolWorker worker in workers)
                {
                    worker.Retiring = true;
                }
            }

            foreach (PoolWorker worker in workers)
            {
                worker.Connection.Kill();
            }

            WaitForWorkers(TimeSpan.FromSeconds(10));
        }

        private void WaitForWorkers(TimeSpan timeout)
        {
            PoolWorker[] workers;
            lock (_lock)
            {
                workers = _workers.ToArray();
            }

            DateTime deadline = DateTime.UtcNow + timeout;
            foreach (PoolWorker worker in workers)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (!worker.Connection.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
                {
                    worker.Connection.Kill();
                    worker.Connection.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
        }

        public void Dispose() => Terminate();

        public override string ToString() => Name;
    }
}
