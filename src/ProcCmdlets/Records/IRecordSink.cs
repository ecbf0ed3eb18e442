using ProcCmdlets.Channel;

namespace ProcCmdlets.Records
{
    /// <summary>
    /// Where a worker's records end up: a cmdlet's pipeline (on its pipeline thread) or a job's
    /// streams. The record is what <see cref="Channel.Protocol.Record.ReadBody"/> gave: the output
    /// value, or the stream's record type.
    /// </summary>
    internal interface IRecordSink
    {
        void Write(StreamKind stream, object? record);
    }
}
