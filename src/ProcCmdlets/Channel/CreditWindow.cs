using System.Threading;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// How many bytes of one worker's channel may be on their way over a host agent's connection,
    /// not yet acknowledged by the side that consumes them: the sender waits for room, so a worker
    /// (or a session) that stops reading holds back only its own channel, never the connection's
    /// other workers, and nobody buffers more than the window.
    /// </summary>
    internal sealed class CreditWindow
    {
        /// <summary>Bytes of one worker's channel in flight in each direction.</summary>
        public const int DefaultBytes = 1 << 20;

        private readonly object _lock = new object();
        private readonly long _limit;
        private long _outstanding;
        private bool _cancelled;

        public CreditWindow(long limit = DefaultBytes)
        {
            _limit = limit;
        }

        /// <summary>Waits until <paramref name="count"/> more bytes fit; false once cancelled (the channel is gone).</summary>
        public bool Take(int count)
        {
            lock (_lock)
            {
                while (!_cancelled && _outstanding + count > _limit)
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
                Monitor.PulseAll(_lock);
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
                Monitor.PulseAll(_lock);
            }
        }
    }
}
