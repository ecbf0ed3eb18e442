using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// How many bytes of one worker's channel may be on their way over a host agent's connection,
    /// not yet acknowledged by the side that consumes them: the sender waits for room, so a worker
    /// (or a session) that stops reading holds back only its own channel, never the connection's
    /// other workers, and nobody buffers more than the window. A sender may wait asynchronously
    /// (<see cref="TakeAsync"/>): no thread waits, and waiters are served in order.
    /// </summary>
    internal sealed class CreditWindow
    {
        /// <summary>Bytes of one worker's channel in flight in each direction.</summary>
        public const int DefaultBytes = 1 << 20;

        private readonly object _lock = new object();
        private readonly long _limit;
        private long _outstanding;
        private bool _cancelled;
        private readonly Queue<KeyValuePair<int, TaskCompletionSource<bool>>> _waiters = new Queue<KeyValuePair<int, TaskCompletionSource<bool>>>();

        public CreditWindow(long limit = DefaultBytes)
        {
            _limit = limit;
        }

        /// <summary>Waits until <paramref name="count"/> more bytes fit; false once cancelled (the channel is gone).</summary>
        public bool Take(int count)
        {
            lock (_lock)
            {
                while (!_cancelled && (_outstanding + count > _limit || _waiters.Count > 0))
                {
                    Monitor.Wait(_lock);
                }

                if (_cancelled)
                {
                    return false;
                }

                _outstanding += count;
                return true;
            }
        }

        /// <summary>As <see cref="Take"/>, without holding a thread while it waits; false once cancelled.</summary>
        public Task<bool> TakeAsync(int count)
        {
            lock (_lock)
            {
                if (_cancelled)
                {
                    return Task.FromResult(false);
                }

                if (_waiters.Count == 0 && _outstanding + count <= _limit)
                {
                    _outstanding += count;
                    return Task.FromResult(true);
                }

                // The sender's continuation runs on the thread pool, never on the reader that returned credit.
                var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Enqueue(new KeyValuePair<int, TaskCompletionSource<bool>>(count, waiter));
                return waiter.Task;
            }
        }

        /// <summary>Gives the room now free to asynchronous waiters, first come first served (under the lock).</summary>
        private void Serve()
        {
            while (_waiters.Count > 0 && (_cancelled || _outstanding + _waiters.Peek().Key <= _limit))
            {
                var waiter = _waiters.Dequeue();
                if (!_cancelled)
                {
                    _outstanding += waiter.Key;
                }

                waiter.Value.TrySetResult(!_cancelled);
            }

            Monitor.PulseAll(_lock);
        }

        /// <summary>The other side consumed <paramref name="count"/> bytes; false when it says more than was sent (a broken peer).</summary>
        public bool Return(long count)
        {
            lock (_lock)
            {
                if (count <= 0 || count > _outstanding)
                {
                    return false;
                }

                _outstanding -= count;
                Serve();
                return true;
            }
        }

        /// <summary>Receiving side: records bytes that arrived; false when they exceed the window (a sender that does not wait).</summary>
        public bool Arrive(int count)
        {
            lock (_lock)
            {
                if (_outstanding + count > _limit)
                {
                    return false;
                }

                _outstanding += count;
                return true;
            }
        }

        /// <summary>Ends every wait: the channel is gone.</summary>
        public void Cancel()
        {
            lock (_lock)
            {
                _cancelled = true;
                Serve();
            }
        }
    }
}
