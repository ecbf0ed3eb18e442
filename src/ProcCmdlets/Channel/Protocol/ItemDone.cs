namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>Worker to session: item <c>Index</c> of chunk <c>ChunkId</c> has finished; its records were sent before this.</summary>
    internal readonly struct ItemDone
    {
        public ItemDone(long chunkId, int index)
        {
            ChunkId = chunkId;
            Index = index;
        }

        public long ChunkId { get; }

        public int Index { get; }

        public static void Write(PayloadWriter w, long chunkId, int index)
        {
            w.WriteVarUInt((ulong)chunkId);
            w.WriteVarUInt((ulong)index);
        }

        public static ItemDone Read(PayloadReader r) => new ItemDone((long)r.ReadVarUInt(), (int)r.ReadVarUInt());
    }
}
