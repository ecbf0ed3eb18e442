namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// How a worker that cannot go on says why: it writes one line to its console pipe, then ends the
    /// programs it started and itself (exit status <see cref="ExitCode"/> on Windows; on Unix ending its
    /// process group ends it by SIGKILL, 137). The session takes the line as the reason (the pool reports
    /// the worker's item with <c>ChannelCorrupt</c>), whatever the status; the line is not shown as console text.
    /// </summary>
    internal static class WorkerFailure
    {
        /// <summary>sysexits' EX_DATAERR: what came in was not what the protocol allows.</summary>
        public const int ExitCode = 65;

        public const string Prefix = "\u0001ProcCmdlets worker failed: ";

        public static string Line(string? reason) =>
            Prefix + (reason ?? string.Empty).Replace('\r', ' ').Replace('\n', ' ');

        /// <summary>Whether <paramref name="line"/> is a failure line; <paramref name="reason"/> is its reason, or empty when it is not one.</summary>
        public static bool TryParse(string line, out string reason)
        {
            bool isFailure = line.StartsWith(Prefix, System.StringComparison.Ordinal);
            reason = isFailure ? line.Substring(Prefix.Length) : string.Empty;
            return isFailure;
        }
    }
}
