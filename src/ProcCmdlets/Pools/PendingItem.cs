namespace ProcCmdlets.Pools
{
    /// <summary>An input item waiting to be sent: its number in its result, the session's object, and its encoding.</summary>
    internal readonly struct PendingItem
    {
        public PendingItem(long sequence, object? item, byte[] encoded)
        {
            Sequence = sequence;
            Item = item;
            Encoded = encoded;
        }

        public long Sequence { get; }

        public object? Item { get; }

        public byte[] Encoded { get; }
    }
}
