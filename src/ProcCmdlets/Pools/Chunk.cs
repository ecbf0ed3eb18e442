using System;

namespace ProcCmdlets.Pools
{
    /// <summary>Items sent to one worker together; its fields change under the pool's lock or on its worker's reader thread.</summary>
    internal sealed class Chunk
    {
        public Chunk(long id, PoolResult result, long[] sequence, object?[] items, byte[][] encoded)
        {
            Id = id;
            Result = result;
            Sequence = sequence;
            Items = items;
            Encoded = encoded;
        }

        public long Id { get; }

        /// <summary>The result the items belong to.</summary>
        public PoolResult Result { get; }

        /// <summary>Each item's number within its result.</summary>
        public long[] Sequence { get; }

        public object?[] Items { get; }

        /// <summary>Each item as the channel carries it, encoded once when it was queued.</summary>
        public byte[][] Encoded { get; }

        /// <summary>How many items, from the first, have finished.</summary>
        public int Done { get; set; }

        /// <summary>The worker has begun it (ChunkStarted).</summary>
        public bool Started { get; set; }

        public DateTime StartedAt { get; set; }

        /// <summary>
        /// Since when the item now due has been the worker's to run: the chunk's send or start, the
        /// previous item's end, or the moment the chunk before it finished. -TimeoutSeconds counts from here.
        /// </summary>
        public DateTime ItemDueAt { get; set; }

        /// <summary>An item already answered with an error (timeout) whose worker is being killed.</summary>
        public int AbandonedIndex { get; set; } = -1;

        public bool Finished => Done >= Items.Length;
    }
}
