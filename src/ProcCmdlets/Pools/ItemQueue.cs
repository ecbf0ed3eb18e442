using System;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// The items of one result not yet sent to a worker, in input order (Python's task queue). Used
    /// under the pool's lock. A ring of slots rather than a linked list: queueing an item allocates
    /// nothing once the ring has grown to the map's window.
    /// </summary>
    internal sealed class ItemQueue
    {
        private PendingItem[] _ring = new PendingItem[64];
        private int _head;

        public int Count { get; private set; }

        public void Add(long sequence, object? item, byte[] encoded)
        {
            Grow();
            _ring[(_head + Count) & (_ring.Length - 1)] = new PendingItem(sequence, item, encoded);
            Count++;
        }

        /// <summary>Puts a chunk's items from <paramref name="from"/> back at the front, in their order (their worker ended before running them).</summary>
        public void Requeue(Chunk chunk, int from)
        {
            for (int i = chunk.Items.Length - 1; i >= from; i--)
            {
                Grow();
                _head = (_head - 1) & (_ring.Length - 1);
                _ring[_head] = new PendingItem(chunk.Sequence[i], chunk.Items[i], chunk.Encoded[i]);
                Count++;
            }
        }

        public void Clear()
        {
            Array.Clear(_ring, 0, _ring.Length);
            _head = 0;
            Count = 0;
        }

        /// <summary>Takes up to <paramref name="size"/> items from the front as a new chunk.</summary>
        public Chunk Take(long chunkId, PoolResult result, int size)
        {
            size = Math.Min(size, Count);
            var sequence = new long[size];
            var items = new object?[size];
            var encoded = new byte[size][];
            for (int i = 0; i < size; i++)
            {
                // The slot is cleared so that the ring does not keep the session's object alive.
                PendingItem next = _ring[_head];
                _ring[_head] = default;
                _head = (_head + 1) & (_ring.Length - 1);
                Count--;
                sequence[i] = next.Sequence;
                items[i] = next.Item;
                encoded[i] = next.Encoded;
            }

            return new Chunk(chunkId, result, sequence, items, encoded);
        }

        /// <summary>Makes room for one more item: the ring's size stays a power of two, its items in order from slot 0.</summary>
        private void Grow()
        {
            if (Count < _ring.Length)
            {
                return;
            }

            var larger = new PendingItem[_ring.Length * 2];
            for (int i = 0; i < Count; i++)
            {
                larger[i] = _ring[(_head + i) & (_ring.Length - 1)];
            }

            _ring = larger;
            _head = 0;
        }
    }
}
