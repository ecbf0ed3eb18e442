using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// A barrier: the calls waiting in the current round. The call that completes a round releases
    /// the others, and the next round starts empty; a call that times out or is withdrawn leaves
    /// its round without breaking it.
    /// </summary>
    internal sealed class BarrierState : SharedState
    {
        public BarrierState(int parties)
            : base(SharedKinds.Barrier, parties)
        {
        }

        /// <summary>How many rounds have completed.</summary>
        internal long Generation { get; private set; }

        protected override SharedResult? Run(SharedRequest request)
        {
            if (request.Op != SharedOp.Wait)
            {
                return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }

            if (_waiters.Count + 1 < Capacity)
            {
                return Park(request);
            }

            foreach (SharedRequest waiter in TakeAllWaiting(SharedOp.Wait))
            {
                waiter.Finish(SharedResult.Done);
            }

            Generation++;
            return SharedResult.Done;
        }

        protected override SharedResult TimeoutResult(SharedRequest request) =>
            SharedResult.TimedOut($"Fewer than {Capacity} callers waited at {Name} within {Seconds(request)} seconds.");
    }
}
