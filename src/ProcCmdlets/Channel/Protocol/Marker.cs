namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// The frames whose whole payload is one number: StopPipeline (a chunk id, 0 or empty for the
    /// one-off script), DropTask (a task id), ConsoleSync (a token), ChunkStarted and ChunkDone (a
    /// chunk id), ScriptDone (an exit code, signed).
    /// </summary>
    internal static class Marker
    {
        public static void Write(PayloadWriter w, long value) => w.WriteVarInt(value);

        /// <summary>The number, or 0 for an empty payload.</summary>
        public static long Read(PayloadReader r) => r.AtEnd ? 0 : r.ReadVarInt();
    }
}
