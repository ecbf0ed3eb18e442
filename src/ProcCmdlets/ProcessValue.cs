using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>One value shared by processes, with atomic updates [multiprocessing.Value].</summary>
    public sealed class ProcessValue : ProcessSharedObject
    {
        internal ProcessValue(long id, ISharedEndpoint endpoint)
            : base(SharedKinds.Value, id, 0, endpoint)
        {
        }

        /// <summary>The value now; setting it replaces it.</summary>
        public object? Value
        {
            get => Call(SharedOp.GetValue);
            set => Call(SharedOp.SetValue, value);
        }

        /// <summary>Adds <paramref name="delta"/> atomically (a missing value counts as 0) and returns the new value.</summary>
        public object Add(object? delta) => Call(SharedOp.Add, delta)!; // the new number, never $null

        /// <summary>Sets <paramref name="value"/> if the value equals <paramref name="comparand"/>; returns the value before.</summary>
        public object? CompareExchange(object? value, object? comparand) => Call(SharedOp.CompareExchange, value, comparand);
    }
}
