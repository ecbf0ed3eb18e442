using System;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>A call made in the session itself: its thread waits for the result (a monitor, no polling).</summary>
    internal sealed class LocalRequest : SharedRequest
    {
        private SharedResult _result;
        private bool _done;

        public LocalRequest(SharedOp op, object?[] args, TimeSpan? timeout)
            : base(new SharedCaller(SharedPeer.Session, Environment.CurrentManagedThreadId), op, args, timeout)
        {
        }

        public SharedResult WaitResult()
        {
            lock (this)
            {
                while (!_done)
                {
                    System.Threading.Monitor.Wait(this);
                }

                return _result;
            }
        }

        protected override void Deliver(SharedResult result)
        {
            lock (this)
            {
                _result = result;
                _done = true;
                System.Threading.Monitor.PulseAll(this);
            }
        }
    }
}
