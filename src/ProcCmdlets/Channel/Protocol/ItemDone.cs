namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Worker to session: item <c>Index</c> of chunk <c>ChunkId</c> has finished; its records were sent
    /// before this. <c>Failed</c> when it ended with a terminating error (its error record came first):
    /// only that fails an apply job, as only a terminating error fails Start-Job's.
    /// </summary>
    internal readonly struct ItemDone
    {
        public ItemDone(long chunkId, int index, bool failed)
        {
            ChunkId = chunkId;
            Index = index;
            Failed = failed;
        }

        public long ChunkId { get; }

        public int Index { get; }

        public bool Failed { get; }

        public static void Write(PayloadWriter w, long chunkId, int index, bool failed)
        {
            w.WriteVarUInt((ulong)chunkId);
            w.WriteVarUInt((ulong)index);
            w.WriteBool(failed);
        }

        public static ItemDone Read(PayloadReader r) => new ItemDone((long)r.ReadVarUInt(), (int)r.ReadVarUInt(), r.ReadBool());
    }
}
