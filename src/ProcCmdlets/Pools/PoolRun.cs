using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// One call's work on a pool (a map or an apply): the items waiting to be sent, and where their
    /// records go. The pool calls it under its lock or from worker reader threads.
    /// </summary>
    internal abstract class PoolRun
    {
        private readonly LinkedList<PendingItem> _pending = new LinkedList<PendingItem>();
        private double _secondsPerItem = -1;

        protected PoolRun(PoolTask task, int fixedChunkSize, int timeoutSeconds)
        {
            Task = task;
            FixedChunkSize = fixedChunkSize;
            TimeoutSeconds = timeoutSeconds;
        }

        public PoolTask Task { get; }

        public int FixedChunkSize { get; }

        public int TimeoutSeconds { get; }

        public volatile bool Cancelled;

        /// <summary>All input has been queued (so the pending count is the rest of the work).</summary>
        public bool InputComplete { get; set; }

        public int PendingCount => _pending.Count;

        /// <summary>Workers that have this run's task defined.</summary>
        public HashSet<PoolWorker> DefinedOn { get; } = new HashSet<PoolWorker>();

        public void AddPending(long sequence, object item, byte[] encoded) => _pending.AddLast(new PendingItem(sequence, item, encoded));

        /// <summary>Puts items back at the front, in their order (their worker died before running them).</summary>
        public void Requeue(Chunk chunk, int from)
        {
            for (int i = chunk.Items.Length - 1; i >= from; i--)
            {
                _pending.AddFirst(new PendingItem(chunk.Sequence[i], chunk.Items[i], chunk.Encoded[i]));
            }
        }

        public void ClearPending() => _pending.Clear();

        /// <summary>
        /// How many items the next chunk takes: fixed by -ChunkSize, else about 20 ms of worker
        /// time by the measured item time, never more than a quarter of each worker's share.
        /// </summary>
        public int NextChunkSize(int workers)
        {
            if (FixedChunkSize > 0)
            {
                return FixedChunkSize;
            }

            int size = _secondsPerItem < 0 ? 16 : (int)Math.Max(1, Math.Min(1024, 0.02 / Math.Max(_secondsPerItem, 1e-7)));
            if (InputComplete || _secondsPerItem < 0)
            {
                size = Math.Min(size, Math.Max(1, _pending.Count / Math.Max(1, 4 * workers)));
            }

            return size;
        }

        /// <summary>
        /// True when a second chunk may wait on a worker behind the one it runs, so that the worker
        /// starts it without waiting for a round trip to the session: when chunks are short, or when
        /// at least as many items are still waiting as there are workers (every worker gets more work
        /// either way, so queueing one costs no balance).
        /// </summary>
        public bool Prefetch(int workers) =>
            (_secondsPerItem >= 0 && _secondsPerItem * NextChunkSize(1) < 0.1) || _pending.Count >= workers;

        public Chunk TakeChunk(long chunkId, int size)
        {
            size = Math.Min(size, _pending.Count);
            var sequence = new long[size];
            var items = new object[size];
            var encoded = new byte[size][];
            for (int i = 0; i < size; i++)
            {
                PendingItem next = _pending.First.Value;
                sequence[i] = next.Sequence;
                items[i] = next.Item;
                encoded[i] = next.Encoded;
                _pending.RemoveFirst();
            }

            return new Chunk(chunkId, this, sequence, items, encoded);
        }

        public void RecordTiming(Chunk chunk)
        {
            if (!chunk.Started || chunk.Items.Length == 0)
            {
                return;
            }

            double perItem = (DateTime.UtcNow - chunk.StartedAt).TotalSeconds / chunk.Items.Length;
            _secondsPerItem = _secondsPerItem < 0 ? perItem : (0.7 * _secondsPerItem) + (0.3 * perItem);
        }

        /// <summary>A record an item wrote (called on a reader thread; decode here).</summary>
        public abstract void OnRecord(Chunk chunk, int index, StreamKind stream, PayloadReader reader);

        public abstract void OnItemDone(Chunk chunk, int index);

        /// <summary>An item ended without finishing (its worker crashed or it timed out).</summary>
        public abstract void OnItemFailed(Chunk chunk, int index, ErrorRecord error);

        /// <summary>The pool can no longer run this run's items.</summary>
        public abstract void OnFatal(ErrorRecord error);

        /// <summary>Console text from a worker while it ran this run's items.</summary>
        public abstract void OnConsoleLine(string line, int processId);

        private readonly struct PendingItem
        {
            public PendingItem(long sequence, object item, byte[] encoded)
            {
                Sequence = sequence;
                Item = item;
                Encoded = encoded;
            }

            public long Sequence { get; }

            public object Item { get; }

            public byte[] Encoded { get; }
        }

        protected static object ReadRecord(StreamKind stream, PayloadReader r, object target)
        {
            switch (stream)
            {
                case StreamKind.Output:
                    return ValueCodec.Read(r);
                case StreamKind.Error:
                    return RecordCodec.ReadError(r, target, true);
                case StreamKind.Warning:
                    return new WarningRecord(r.ReadString());
                case StreamKind.Verbose:
                    return new VerboseRecord(r.ReadString());
                case StreamKind.Debug:
                    return new DebugRecord(r.ReadString());
                case StreamKind.Information:
                    return RecordCodec.ReadInformation(r);
                case StreamKind.Progress:
                    return RecordCodec.ReadProgress(r);
                default:
                    throw new System.IO.InvalidDataException($"Unknown stream {stream} in a record frame.");
            }
        }
    }
}
