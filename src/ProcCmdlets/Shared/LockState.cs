using System.Collections.Generic;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// A lock: its holder (one thread of one process) and the calls waiting for it, served in order.
    /// A worker's thread that gets the lock holds it as a lease: it may release and take it again
    /// without a round trip until the session asks for it back (a SharedRevoke frame, sent when
    /// another caller waits) or it lets the lease go itself. The session sees one hold for the
    /// whole lease.
    /// </summary>
    internal sealed class LockState : SharedState
    {
        private SharedCaller? _holder;
        private bool _leased;
        private bool _revokeSent;

        public LockState()
            : base(SharedKinds.Lock, 0)
        {
        }

        /// <summary>For tests and diagnostics: who holds the lock now.</summary>
        internal SharedCaller? Holder
        {
            get
            {
                lock (_gate)
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
                        Grant(request.Caller);
                        return SharedResult.True;
                    }

                    if (_leased && !_revokeSent)
                    {
                        _revokeSent = true;
                        _holder.Value.Peer.Revoke?.Invoke(Id);
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

        private void Grant(SharedCaller caller)
        {
            _holder = caller;
            _leased = caller.Peer.Revoke != null;
            _revokeSent = false;
        }

        private void HandOver()
        {
            SharedRequest? next = FirstWaiting(SharedOp.Acquire);
            if (next == null)
            {
                _holder = null;
                _leased = false;
                return;
            }

            Unpark(next);
            Grant(next.Caller);
            next.Finish(SharedResult.True);
            if (_leased && FirstWaiting(SharedOp.Acquire) != null)
            {
                // Others wait already; sent after the grant, so the worker reads them in that order.
                _revokeSent = true;
                next.Caller.Peer.Revoke?.Invoke(Id);
            }
        }

        protected override SharedResult TimeoutResult(SharedRequest request) => SharedResult.False;

        public override IEnumerable<string> ReleaseHeldBy(SharedPeer peer)
        {
            lock (_gate)
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
