using System.Collections.Generic;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>A lock: its holder (one thread of one process) and the calls waiting for it, served in order.</summary>
    internal sealed class LockState : SharedState
    {
        private SharedCaller? _holder;

        public LockState()
            : base(SharedKinds.Lock, 0)
        {
        }

        /// <summary>For tests and diagnostics: who holds the lock now.</summary>
        internal SharedCaller? Holder
        {
            get
            {
                lock (Gate)
                {
                    return _holder;
                }
            }
        }

        protected override SharedResult? Run(SharedRequest request)
        {
            switch (request.Op)
            {
                case SharedOp.Acquire:
                    if (_holder == null)
                    {
                        _holder = request.Caller;
                        return SharedResult.True;
                    }

                    return Park(request);
                case SharedOp.Release:
                    if (_holder == null || !_holder.Value.Equals(request.Caller))
                    {
                        return SharedResult.Invalid(_holder == null
                            ? $"{Name} is not held, so it cannot be released."
                            : $"{Name} is held by another thread or process; only its holder may release it.");
                    }

                    HandOver();
                    return SharedResult.Done;
                default:
                    return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }
        }

        private void HandOver()
        {
            SharedRequest next = FirstWaiting(SharedOp.Acquire);
            if (next == null)
            {
                _holder = null;
                return;
            }

            Unpark(next);
            _holder = next.Caller;
            next.Finish(SharedResult.True);
        }

        protected override SharedResult TimeoutResult(SharedRequest request) => SharedResult.False;

        public override IEnumerable<string> ReleaseHeldBy(SharedPeer peer)
        {
            lock (Gate)
            {
                if (_holder == null || !ReferenceEquals(_holder.Value.Peer, peer))
                {
                    return System.Array.Empty<string>();
                }

                HandOver();
            }

            return new[] { $"{Name} was held by {peer.Name}, which ended; it has been released." };
        }
    }
}
