using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>
    /// A lock held by one thread of one process at a time [multiprocessing.Lock]. Unlike Python's,
    /// a lock whose holder's process ends is released. It is not re-entrant.
    /// </summary>
    public sealed class ProcessLock : ProcessSharedObject
    {
        internal ProcessLock(long id, ISharedEndpoint endpoint)
            : base(SharedKinds.Lock, id, 0, endpoint)
        {
        }

        /// <summary>Waits for the lock and takes it.</summary>
        public void Acquire() => Call(SharedOp.Acquire);

        /// <summary>Waits at most <paramref name="timeout"/> seconds for the lock; false when time ran out.</summary>
        public bool Acquire(double timeout) => IsTrue(CallWithin(SharedOp.Acquire, timeout));

        /// <summary>Releases the lock; only its holder may.</summary>
        public void Release() => Call(SharedOp.Release);
    }
}
