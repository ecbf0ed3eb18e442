using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>A flag processes can wait for [multiprocessing.Event].</summary>
    public sealed class ProcessEvent : ProcessSharedObject
    {
        internal ProcessEvent(long id, ISharedEndpoint endpoint)
            : base(SharedKinds.Event, id, 0, endpoint)
        {
        }

        /// <summary>Whether the flag is set now [is_set()].</summary>
        public bool IsSet => IsTrue(Call(SharedOp.IsSet));

        /// <summary>Sets the flag, releasing every waiter.</summary>
        public void Set() => Call(SharedOp.Set);

        /// <summary>Clears the flag.</summary>
        public void Clear() => Call(SharedOp.Clear);

        /// <summary>Waits until the flag is set.</summary>
        public void Wait() => Call(SharedOp.Wait);

        /// <summary>Waits at most <paramref name="timeout"/> seconds for the flag; false when time ran out.</summary>
        public bool Wait(double timeout) => IsTrue(CallWithin(SharedOp.Wait, timeout));
    }
}
