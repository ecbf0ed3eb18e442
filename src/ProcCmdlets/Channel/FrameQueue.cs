using System.Collections.Generic;
using System.Threading;

namespace ProcCmdlets.Channel
{
    /// <summary>Byte arrays handed from any thread to one consumer, in order; completing it lets the consumer drain it and stop.</summary>
    internal sealed class FrameQueue
    {
        private readonly Queue<byte[]> _items = new Queue<byte[]>();
        private bool _completed;

        /// <summary>Items queued and not taken.</summary>
        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        /// <summary>Queues an item; false once the queue is completed.</summary>
        public bool Add(byte[] item)
        {
            lock (_items)
            {
                if (_completed)
                {
                    return false;
                }

                _items.Enqueue(item);
                Monitor.Pulse(_items);
                return true;
            }
        }

        /// <summary>No more items.</summary>
        public void Complete()
        {
            lock (_items)
            {
                _completed = true;
                Monitor.PulseAll(_items);
            }
        }

        /// <summary>Waits for the next item; false once the queue is completed and empty.</summary>
        public bool TryTake(out byte[] item)
        {
            lock (_items)
            {
                while (_items.Count == 0 && !_completed)
                {
                    Monitor.Wait(_items);
                }

                if (_items.Count == 0)
                {
                    item = System.Array.Empty<byte>();
                    return false;
                }

                item = _items.Dequeue();
                return true;
            }
        }
    }
}
