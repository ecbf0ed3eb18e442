using System.Collections.Generic;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>A counting semaphore: free slots, waiters in order, and how many slots each process holds (given back when it ends).</summary>
    internal sealed class SemaphoreState : SharedState
    {
        private readonly Dictionary<SharedPeer, int> _held = new Dictionary<SharedPeer, int>();
        private int _free;

        public SemaphoreState(int count)
            : base(SharedKinds.Semaphore, 0)
        {
            _free = count;
        }

        protected override SharedResult? Run(SharedRequest request)
        {
            switch (request.Op)
            {
                case SharedOp.Acquire:
                    if (_free > 0)
                    {
                        _free--;
                        Count(request.Caller.Peer, 1);
                        return SharedResult.True;
                    }

                    return Park(request);
                case SharedOp.Release:
                    // As in Python, anyone may release; what a process released no longer counts as held by it.
                    if (_held.TryGetValue(request.Caller.Peer, out int mine) && mine > 0)
                    {
                        Count(request.Caller.Peer, -1);
                    }

                    HandOver();
                    return SharedResult.Done;
                default:
                    return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }
        }

        private void Count(SharedPeer peer, int delta)
        {
            _held.TryGetValue(peer, out int count);
            count += delta;
            if (count == 0)
            {
                _held.Remove(peer);
            }
            else
            {
                _held[peer] = count;
            }
        }

        private void HandOver()
        {
            SharedRequest? next = FirstWaiting(SharedOp.Acquire);
            if (next == null)
            {
                _free++;
                return;
            }

            Unpark(next);
            Count(next.Caller.Peer, 1);
            next.Finish(SharedResult.True);
        }

        protected override SharedResult TimeoutResult(SharedRequest request) => SharedResult.False;

        public override IEnumerable<string> ReleaseHeldBy(SharedPeer peer)
        {
            int count;
            lock (_gate)
            {
                if (!_held.TryGetValue(peer, out count))
                {
                    return System.Array.Empty<string>();
                }

                _held.Remove(peer);
                for (int i = 0; i < count; i++)
                {
                    HandOver();
                }
            }

            return new[] { $"{Name}: {count} slot(s) held by {peer.Name}, which ended, have been released." };
        }
    }
}
