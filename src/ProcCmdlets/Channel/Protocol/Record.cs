using System.IO;
using System.Management.Automation;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Worker to session: one record of any stream. The header says which stream, and which chunk
    /// and item wrote it (chunk 0 and item -1 outside a chunk: a one-off script or an
    /// initialization script); the body is the output value or the stream's record.
    /// Every record in ProcCmdlets is read back here and nowhere else.
    /// </summary>
    internal readonly struct Record
    {
        public Record(StreamKind stream, long chunkId, int index)
        {
            Stream = stream;
            ChunkId = chunkId;
            Index = index;
        }

        public StreamKind Stream { get; }

        public long ChunkId { get; }

        public int Index { get; }

        public static void WriteHeader(PayloadWriter w, StreamKind stream, long chunkId, int index)
        {
            w.WriteByte((byte)stream);
            w.WriteVarUInt((ulong)chunkId);
            w.WriteVarInt(index);
        }

        /// <summary>The body of a warning, verbose or debug record (after its header): the message.</summary>
        public static void WriteText(PayloadWriter w, string? message) => w.WriteString(message);

        public static Record ReadHeader(PayloadReader r) => new Record((StreamKind)r.ReadByte(), (long)r.ReadVarUInt(), (int)r.ReadVarInt());

        /// <summary>
        /// Reads the body that follows the header: the output value, or an ErrorRecord, WarningRecord,
        /// VerboseRecord, DebugRecord, InformationRecord or ProgressRecord. An error's target becomes
        /// <paramref name="target"/> when <paramref name="replaceTarget"/> (a pool item's error names
        /// the session's input item, not the worker's copy of it).
        /// </summary>
        /// <exception cref="InvalidDataException">The body cannot be read back.</exception>
        public object? ReadBody(PayloadReader r, object? target, bool replaceTarget)
        {
            switch (Stream)
            {
                case StreamKind.Output:
                    return ValueCodec.Read(r);
                case StreamKind.Error:
                    return RecordCodec.ReadError(r, target, replaceTarget);
                case StreamKind.Warning:
                    return new WarningRecord(r.ReadString());
                case StreamKind.Verbose:
                    return new VerboseRecord(r.ReadString());
                case StreamKind.Debug:
                    return new DebugRecord(r.ReadString());
                case StreamKind.Information:
                    return RecordCodec.ReadInformation(r);
                case StreamKind.Progress:
                    return RecordCodec.ReadProgress(r);
                default:
                    throw new InvalidDataException($"Unknown stream {Stream} in a record frame.");
            }
        }
    }
}
