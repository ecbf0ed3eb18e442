namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// The line the ssh bootstrap writes to standard error once it has loaded the assembly, before
    /// it runs a worker or an agent: everything before it is ssh's (or pwsh's), and the number after
    /// it is the process id of the pwsh that runs it.
    /// </summary>
    internal static class ReadyLine
    {
        public const string Prefix = "ProcCmdlets.Ssh.Ready ";

        /// <summary>The process id a ready line names; null when <paramref name="line"/> is not one.</summary>
        public static int? Parse(string line)
        {
            if (line == null || !line.StartsWith(Prefix, System.StringComparison.Ordinal))
            {
                return null;
            }

            return int.TryParse(line.Substring(Prefix.Length).Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int pid) ? pid : 0;
        }
    }
}
