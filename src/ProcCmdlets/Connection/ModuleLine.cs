using System;

namespace ProcCmdlets.Connection
{
    /// <summary>Lines of the module's own on a worker's console pipe (a console-sync marker, a worker's failure).</summary>
    internal static class ModuleLine
    {
        /// <summary>
        /// The module's line from <paramref name="prefix"/> on, leaving in <paramref name="line"/> the
        /// text before it (what the worker's programs left unfinished); null when there is none.
        /// </summary>
        public static string? Split(ref string line, string prefix)
        {
            int at = line.IndexOf(prefix, StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            string marked = line.Substring(at);
            line = line.Substring(0, at);
            return marked;
        }
    }
}
