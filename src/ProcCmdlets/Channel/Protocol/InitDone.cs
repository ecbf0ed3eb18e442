namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>Worker to session: a pool worker's initialization script finished (true) or failed (false; its errors came first as records of chunk 0).</summary>
    internal static class InitDone
    {
        public static void Write(PayloadWriter w, bool ok) => w.WriteBool(ok);

        public static bool Read(PayloadReader r) => r.ReadBool();
    }
}
