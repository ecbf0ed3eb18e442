namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// The console side of the channel. Text a worker's programs write straight to the console travels
    /// on its own pipe, so it can arrive after the end of the item that wrote it. Asked with a
    /// ConsoleSync frame, a worker writes a marker line with the frame's token to that pipe; once the
    /// session has read the marker, it has read everything the worker's items wrote before.
    /// </summary>
    internal static class ConsoleSync
    {
        public const string Prefix = "\u0001ProcCmdlets console sync ";

        public static string Line(long token) => Prefix + token.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public static bool TryParse(string line, out long token)
        {
            token = 0;
            return line.StartsWith(Prefix, System.StringComparison.Ordinal)
                && long.TryParse(line.Substring(Prefix.Length), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out token);
        }
    }
}
