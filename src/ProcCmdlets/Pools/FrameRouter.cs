using System;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Records;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Reads what a pool's workers send, on each worker's reader thread, and hands it to the call it
    /// belongs to. Records take no lock (a chunk is only removed on its worker's own reader thread),
    /// nor do item ends of calls without a timeout; chunk ends and initialization take the pool's
    /// lock for their decisions.
    /// </summary>
    internal sealed class FrameRouter
    {
        private readonly WorkerPool _pool;

        public FrameRouter(WorkerPool pool)
        {
            _pool = pool;
        }

        public void OnFrame(PoolWorker worker, Frame frame)
        {
            PayloadReader r = frame.Reader(SharedTable.Resolver);
            switch (frame.Kind)
            {
                case FrameKind.Record:
                    ShapeTable.Current = worker.Shapes;
                    OnRecord(worker, r, frame.Payload.Length);
                    break;
                case FrameKind.Shapes:
                    DefineShapes(worker, r);
                    break;
                case FrameKind.ChunkStarted:
                    OnChunkStarted(worker, Marker.Read(r));
                    break;
                case FrameKind.ItemDone:
                    OnItemDone(worker, ItemDone.Read(r));
                    break;
                case FrameKind.ChunkDone:
                    OnChunkDone(worker, Marker.Read(r));
                    break;
                case FrameKind.InitDone:
                    bool ok = InitDone.Read(r);
                    Locked(effects => _pool.Supervisor.OnInitDoneLocked(worker, ok, effects));
                    break;
            }
        }

        private void OnRecord(PoolWorker worker, PayloadReader r, int bytes)
        {
            Record header = Record.ReadHeader(r);
            Chunk chunk = FindOnReader(worker, header.ChunkId);
            if (chunk == null)
            {
                if (header.ChunkId == 0 && header.Stream == StreamKind.Error)
                {
                    // An error of the initialization script.
                    string message = Decode(header, r, null, out _) is ErrorRecord error ? error.Exception.Message : "an error that could not be read";
                    lock (_pool.Lock)
                    {
                        worker.InitErrors.Add(message);
                    }
                }

                return;
            }

            int index = header.Index;
            if (index < 0 || index >= chunk.Items.Length || chunk.Result.Cancelled || index == chunk.AbandonedIndex)
            {
                return;
            }

            object record = Decode(header, r, chunk.Items[index], out StreamKind stream);
            chunk.Result.OnRecord(worker, chunk, index, stream, record, bytes);
        }

        /// <summary>A malformed definition is dropped: the records that name its shapes become ValueNotCarried errors.</summary>
        private static void DefineShapes(PoolWorker worker, PayloadReader r)
        {
            try
            {
                worker.Shapes.Define(r);
            }
            catch (System.IO.InvalidDataException)
            {
            }
        }

        /// <summary>The record's body; one that cannot be read back becomes an error on its item, and the worker lives on.</summary>
        private static object Decode(Record header, PayloadReader r, object item, out StreamKind stream)
        {
            stream = header.Stream;
            try
            {
                return header.ReadBody(r, item, replaceTarget: true);
            }
            catch (Exception e)
            {
                stream = StreamKind.Error;
                return Errors.NotCarried(e, ErrorCategory.ReadError, item);
            }
        }

        private void OnChunkStarted(PoolWorker worker, long chunkId)
        {
            lock (_pool.Lock)
            {
                Chunk chunk = worker.Find(chunkId);
                if (chunk != null)
                {
                    chunk.Started = true;
                    chunk.StartedAt = chunk.ItemDueAt = DateTime.UtcNow;
                    DebugTrace.Write("pool: worker {0} started chunk {1}", worker.Client.ProcessId, chunkId);
                }
            }
        }

        private void OnItemDone(PoolWorker worker, ItemDone done)
        {
            Chunk chunk = FindOnReader(worker, done.ChunkId);
            if (chunk == null || done.Index >= chunk.Items.Length)
            {
                return;
            }

            bool abandoned;
            if (chunk.Result.TimeoutSeconds > 0)
            {
                // The timeout check reads which item is due and since when under the pool's lock: both
                // change together, or a check between them would time the next item from this one's start.
                DateTime now = _pool.Clock();
                lock (_pool.Lock)
                {
                    chunk.Done = done.Index + 1;
                    chunk.ItemDueAt = now;
                    abandoned = done.Index == chunk.AbandonedIndex;
                }

                DebugTrace.Write("pool: worker {0} finished item {1} of chunk {2}; the next is due by {3:HH:mm:ss.fff}", worker.Client.ProcessId, done.Index, chunk.Id, now.AddSeconds(chunk.Result.TimeoutSeconds));
            }
            else
            {
                chunk.Done = done.Index + 1;
                abandoned = done.Index == chunk.AbandonedIndex;
            }

            _pool.CountCompleted();
            if (!chunk.Result.Cancelled && !abandoned)
            {
                chunk.Result.OnItemDone(chunk, done.Index, done.Failed);
            }
        }

        private void OnChunkDone(PoolWorker worker, long chunkId) => Locked(effects =>
        {
            Chunk chunk = worker.Find(chunkId);
            if (chunk == null)
            {
                return;
            }

            DateTime now = DateTime.UtcNow;
            worker.InFlight.Remove(chunk);
            PoolResult result = chunk.Result;
            result.RecordTiming(chunk, now);
            if (!result.Cancelled)
            {
                for (int i = chunk.Done; i < chunk.Items.Length; i++)
                {
                    int index = i;
                    var error = Errors.WorkerCrashed("The worker's pipeline ended before this item ran.", chunk.Items[i]);
                    effects.Callback(() => result.OnItemFailed(chunk, index, error));
                }
            }

            // The next chunk on this worker is due from now, not from when it was sent.
            Chunk next = worker.InFlight.First?.Value;
            if (next != null && !next.Started)
            {
                next.ItemDueAt = now;
            }

            _pool.Supervisor.RetireIfDoneLocked(worker, effects);
            _pool.DispatchLocked(effects);
            Monitor.PulseAll(_pool.Lock);
        });

        public void OnConsoleLine(PoolWorker worker, string line)
        {
            PoolResult result;
            lock (_pool.Lock)
            {
                result = worker.InFlight.First?.Value.Result ?? worker.LastResult;
            }

            result?.OnConsoleLine(line, worker.Client.ProcessId);
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

            lock (_pool.Lock)
            {
                chunk = worker.Find(chunkId);
            }

            worker.LastSeen = chunk;
            return chunk;
        }

        private void Locked(Action<PoolEffects> decide)
        {
            var effects = new PoolEffects();
            lock (_pool.Lock)
            {
                decide(effects);
            }

            _pool.Run(effects);
        }
    }
}
