using System.Collections.Generic;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Session to worker: items for a defined task. The worker answers ChunkStarted, then records
    /// and an ItemDone for each item in order, then ChunkDone. Items are encoded once, when queued.
    /// </summary>
    internal sealed class RunChunk
    {
        public RunChunk(long taskId, long chunkId, object?[] items)
        {
            TaskId = taskId;
            ChunkId = chunkId;
            Items = items;
        }

        public long TaskId { get; }

        public long ChunkId { get; }

        public object?[] Items { get; }

        public static void Write(PayloadWriter w, long taskId, long chunkId, IReadOnlyList<byte[]> encodedItems)
        {
            w.WriteVarUInt((ulong)taskId);
            w.WriteVarUInt((ulong)chunkId);
            w.WriteVarUInt((ulong)encodedItems.Count);
            foreach (byte[] item in encodedItems)
            {
                w.WriteRaw(item);
            }
        }

        public static RunChunk Read(PayloadReader r) =>
            new RunChunk((long)r.ReadVarUInt(), (long)r.ReadVarUInt(), WorkerSetup.ReadValues(r));
    }
}
