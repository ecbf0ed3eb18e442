using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>Holds callers until <see cref="Parties"/> of them wait, then lets them all go [multiprocessing.Barrier].</summary>
    public sealed class ProcessBarrier : ProcessSharedObject
    {
        internal ProcessBarrier(long id, int parties, ISharedEndpoint endpoint)
            : base(SharedKinds.Barrier, id, parties, endpoint)
        {
        }

        /// <summary>How many callers each round waits for.</summary>
        public int Parties => Capacity;

        /// <summary>Waits until <see cref="Parties"/> callers wait.</summary>
        public void Wait() => Call(SharedOp.Wait);

        /// <summary>As <see cref="Wait()"/>, for at most <paramref name="timeout"/> seconds (then a TimeoutException; the others keep waiting).</summary>
        public void Wait(double timeout) => CallWithin(SharedOp.Wait, timeout);
    }
}
