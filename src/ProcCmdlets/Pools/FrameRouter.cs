using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Records;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Reads what a pool's workers send, on each worker's reader thread, and hands it to the result it
    /// belongs to. Records take no lock (a chunk is only removed on its worker's own reader thread),
    /// nor do item ends of results without a timeout; chunk ends and initialization take the pool's
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
            PayloadReader r = frame.Reader(SessionResolver.Instance);
            switch (frame.Kind)
            {
                case FrameKind.Record:
                    ShapeTable.Current = worker.Shapes;
                    OnRecord(worker, r, frame.Payload.Length);
                    break;
                case FrameKind.Results:
                    ShapeTable.Current = worker.Shapes;
                    OnResults(worker, r, frame.Payload.Length);
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
            Chunk? chunk = FindOnReader(worker, header.ChunkId);
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

            object? record = Decode(header, r, chunk.Items[index], out StreamKind stream);
            chunk.Result.OnRecord(worker, chunk, index, stream, record, bytes);
        }

        /// <summary>
        /// A run of one chunk's output values and item ends. Without a time limit nothing but a stop
        /// can make an item's records unwanted once read, so the run goes to the result in one call (a
        /// map queues it as one event); with one, each entry is told in turn, as the frames it stands
        /// for would be, so a record is never told after its item was answered by a timeout.
        /// </summary>
        private void OnResults(PoolWorker worker, PayloadReader r, int bytes)
        {
            Chunk? found = FindOnReader(worker, (long)r.ReadVarUInt());
            if (found == null)
            {
                return;
            }

            Chunk chunk = found;
            // About one entry per item (a value and its end): squares of ints up to 100,000 took 14
            // bytes an item (110,000 items in 1,548,060 bytes of Results frames).
            var entries = new List<ResultEntry>(Math.Min(Math.Max(r.Remaining / 12, 4), 1024));
            ResultEntry.ReadAll(
                r,
                entries,
                index => index < chunk.Items.Length && !chunk.Result.Cancelled && index != chunk.AbandonedIndex,
                ValueCodec.Read,
                (index, e) => Errors.NotCarried(e, ErrorCategory.ReadError, chunk.Items[index]));
            if (chunk.Result.TimeoutSeconds > 0)
            {
                foreach (ResultEntry entry in entries)
                {
                    if (entry.IsDone)
                    {
                        OnItemDone(worker, new ItemDone(chunk.Id, entry.Index, false));
                    }
                    else
                    {
                        if (!chunk.Result.Cancelled && entry.Index != chunk.AbandonedIndex)
                        {
                            chunk.Result.OnRecord(worker, chunk, entry.Index, entry.Stream, entry.Value, bytes);
                            bytes = 0;
                        }

                        if (entry.EndsItem)
                        {
                            OnItemDone(worker, new ItemDone(chunk.Id, entry.Index, false));
                        }
                    }
                }

                return;
            }

            int done = 0;
            foreach (ResultEntry entry in entries)
            {
                if ((entry.IsDone || entry.EndsItem) && entry.Index < chunk.Items.Length)
                {
                    chunk.Done = entry.Index + 1;
                    done++;
                }
            }

            entries.RemoveAll(entry => entry.IsDone && entry.Index >= chunk.Items.Length);
            _pool.CountCompleted(done);
            if (entries.Count > 0 && !chunk.Result.Cancelled)
            {
                chunk.Result.OnResults(worker, chunk, entries, bytes);
            }
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
        private static object? Decode(Record header, PayloadReader r, object? item, out StreamKind stream)
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
                Chunk? chunk = worker.Find(chunkId);
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
            Chunk? chunk = FindOnReader(worker, done.ChunkId);
            if (chunk == null || done.Index >= chunk.Items.Length)
            {
                return;
            }

            bool deliver = MarkDone(worker, chunk, done.Index);
            _pool.CountCompleted(1);
            if (deliver && !chunk.Result.Cancelled)
            {
                chunk.Result.OnItemDone(chunk, done.Index, done.Failed);
            }
        }

        /// <summary>Counts item <paramref name="index"/> of the chunk finished; false when its end is not to be told (it was abandoned).</summary>
        private bool MarkDone(PoolWorker worker, Chunk chunk, int index)
        {
            if (chunk.Result.TimeoutSeconds > 0)
            {
                // The timeout check reads which item is due and since when under the pool's lock: both
                // change together, or a check between them would time the next item from this one's start.
                DateTime now = _pool.Clock();
                bool abandoned;
                lock (_pool.Lock)
                {
                    chunk.Done = index + 1;
                    chunk.ItemDueAt = now;
                    abandoned = index == chunk.AbandonedIndex;
                }

                DebugTrace.Write("pool: worker {0} finished item {1} of chunk {2}; the next is due by {3:HH:mm:ss.fff}", worker.Client.ProcessId, index, chunk.Id, now.AddSeconds(chunk.Result.TimeoutSeconds));
                return !abandoned;
            }

            chunk.Done = index + 1;
            return index != chunk.AbandonedIndex;
        }

        private void OnChunkDone(PoolWorker worker, long chunkId) => Locked(effects =>
        {
            Chunk? chunk = worker.Find(chunkId);
            if (chunk == null)
            {
                return;
            }

            DateTime now = DateTime.UtcNow;
            worker.InFlight.Remove(chunk);
            _pool.Free.Offer(worker);
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
            Chunk? next = worker.InFlight.First?.Value;
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
            PoolResult? result;
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
        private Chunk? FindOnReader(PoolWorker worker, long chunkId)
        {
            Chunk? chunk = worker.LastSeen;
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
