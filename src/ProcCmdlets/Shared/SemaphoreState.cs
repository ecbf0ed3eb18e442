using System.Collections.Generic;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// A counting semaphore: free slots, waiters in order, and how many slots each process holds
    /// (given back when it ends). As in Python anyone may release, so what processes hold is kept
    /// within the slots actually out of the initial count: a release by a process that holds none
    /// counts against a holder, and a semaphore used as a signal (released by one process, acquired
    /// by another, above its initial count) has nothing held to give back.
    /// </summary>
    internal sealed class SemaphoreState : SharedState
    {
        private readonly Dictionary<SharedPeer, int> _held = new Dictionary<SharedPeer, int>();
        private readonly int _slots;
        private int _free;
        private int _heldTotal;

        public SemaphoreState(int count)
            : base(SharedKinds.Semaphore, 0)
        {
            _free = count;
            _slots = count;
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
                        KeepHeldWithinSlotsOut();
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
                    KeepHeldWithinSlotsOut();
                    return SharedResult.Done;
                default:
                    return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }
        }

        private void Count(SharedPeer peer, int delta)
        {
            _held.TryGetValue(peer, out int count);
            _heldTotal += delta;
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

        /// <summary>
        /// What processes hold never exceeds the slots out of the initial count: above it (releases by
        /// processes that held nothing), holders are counted down, so that an ending process gives back
        /// only slots that are really missing.
        /// </summary>
        private void KeepHeldWithinSlotsOut()
        {
            int slotsOut = System.Math.Max(0, _slots - _free);
            while (_heldTotal > slotsOut)
            {
                SharedPeer holder = null!;
                foreach (SharedPeer peer in _held.Keys)
                {
                    holder = peer;
                    break;
                }

                Count(holder, -1);
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
                _heldTotal -= count;
                for (int i = 0; i < count; i++)
                {
                    HandOver();
                }

                KeepHeldWithinSlotsOut();
            }

            return new[] { $"{Name}: {count} slot(s) held by {peer.Name}, which ended, have been released." };
        }
    }
}
