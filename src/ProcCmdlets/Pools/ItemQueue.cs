using System.Collections.Generic;

namespace ProcCmdlets.Pools
{
    /// <summary>The items of one result not yet sent to a worker, in input order (Python's task queue). Used under the pool's lock.</summary>
    internal sealed class ItemQueue
    {
        private readonly LinkedList<PendingItem> _items = new LinkedList<PendingItem>();

        public int Count => _items.Count;

        public void Add(long sequence, object? item, byte[] encoded) => _items.AddLast(new PendingItem(sequence, item, encoded));

        /// <summary>Puts a chunk's items from <paramref name="from"/> back at the front, in their order (their worker ended before running them).</summary>
        public void Requeue(Chunk chunk, int from)
        {
            for (int i = chunk.Items.Length - 1; i >= from; i--)
            {
                _items.AddFirst(new PendingItem(chunk.Sequence[i], chunk.Items[i], chunk.Encoded[i]));
            }
        }

        public void Clear() => _items.Clear();

        /// <summary>Takes up to <paramref name="size"/> items from the front as a new chunk.</summary>
        public Chunk Take(long chunkId, PoolResult result, int size)
        {
            size = System.Math.Min(size, _items.Count);
            var sequence = new long[size];
            var items = new object?[size];
            var encoded = new byte[size][];
            for (int i = 0; i < size; i++)
            {
                PendingItem next = _items.First.Value;
                sequence[i] = next.Sequence;
                items[i] = next.Item;
                encoded[i] = next.Encoded;
                _items.RemoveFirst();
            }

            return new Chunk(chunkId, result, sequence, items, encoded);
        }
    }
}
