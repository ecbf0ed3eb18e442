using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>
    /// A counting semaphore [multiprocessing.Semaphore]. What a process holds when it ends is
    /// given back.
    /// </summary>
    public sealed class ProcessSemaphore : ProcessSharedObject
    {
        internal ProcessSemaphore(long id, ISharedEndpoint endpoint)
            : base(SharedKinds.Semaphore, id, 0, endpoint)
        {
        }

        /// <summary>Waits for a free slot and takes it.</summary>
        public void Acquire() => Call(SharedOp.Acquire);

        /// <summary>Waits at most <paramref name="timeout"/> seconds for a slot; false when time ran out.</summary>
        public bool Acquire(double timeout) => IsTrue(CallWithin(SharedOp.Acquire, timeout));

        /// <summary>Gives a slot back.</summary>
        public void Release() => Call(SharedOp.Release);
    }
}
