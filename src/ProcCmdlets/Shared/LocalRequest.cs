using System;
using System.Diagnostics;
using System.Threading;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// A call made in the session itself: its thread waits for the result (a monitor, no polling),
    /// timing its own wait instead of arming a timer, and ends it through the object when time runs out.
    /// </summary>
    internal sealed class LocalRequest : SharedRequest
    {
        private SharedResult _result;
        private bool _done;

        public LocalRequest(SharedOp op, object?[] args, TimeSpan? timeout)
            : base(new SharedCaller(SharedPeer.Session, Environment.CurrentManagedThreadId), op, args, timeout)
        {
        }

        internal override bool WaitsInSession => true;

        public SharedResult WaitResult()
        {
            SharedState? parkedIn = ParkedIn;
            if (Timeout.HasValue && parkedIn != null && !WaitFor(Timeout.Value))
            {
                // Outside this call's monitor: the object takes its gate, and a call is ended under the
                // gate only by a worker's end returning items, which takes this monitor next.
                parkedIn.Expire(this);
            }

            lock (this)
            {
                while (!_done)
                {
                    Monitor.Wait(this);
                }

                return _result;
            }
        }

        /// <summary>Waits for the result at most <paramref name="timeout"/>; false when it has not come.</summary>
        private bool WaitFor(TimeSpan timeout)
        {
            long start = Stopwatch.GetTimestamp();
            lock (this)
            {
                while (!_done)
                {
                    double left = timeout.TotalMilliseconds - ((Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency);
                    if (left <= 0)
                    {
                        return false;
                    }

                    Monitor.Wait(this, (int)Math.Min(int.MaxValue, Math.Ceiling(left)));
                }

                return true;
            }
        }

        protected override void Deliver(SharedResult result)
        {
            lock (this)
            {
                _result = result;
                _done = true;
                Monitor.PulseAll(this);
            }
        }
    }
}
