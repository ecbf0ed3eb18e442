using System;
using System.Collections;
using System.Collections.Generic;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// The environment changes a worker started earlier (the spare) must apply to match the session
    /// now. Names compare as the operating system compares them: on Windows <c>PATH</c> and
    /// <c>Path</c> are one variable, so a change of case alone is no change and a set is never
    /// mistaken for the removal of another name. Removals come first, so a set always wins.
    /// </summary>
    internal static class EnvironmentDiff
    {
        /// <summary>How <paramref name="os"/> compares variable names.</summary>
        public static StringComparer NameComparer(OSFamily os) =>
            os == OSFamily.Windows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        /// <summary>
        /// The current environment. On .NET Framework the block can hold names that differ only in
        /// case (<c>TMP</c> and <c>tmp</c> under MSYS2 or Cygwin); the last one read wins, as for the
        /// Windows API that a worker's lookups go through.
        /// </summary>
        public static Dictionary<string, string> Snapshot(OSFamily os) => From(Environment.GetEnvironmentVariables(), os);

        /// <summary>The variables of an environment block by name, compared as <paramref name="os"/> compares them.</summary>
        public static Dictionary<string, string> From(IDictionary variables, OSFamily os)
        {
            var result = new Dictionary<string, string>(NameComparer(os));
            foreach (DictionaryEntry entry in variables)
            {
                // An environment block holds strings only; a variable is never null, only absent.
                result[(string)entry.Key] = (string)entry.Value!;
            }

            return result;
        }

        /// <summary>Removals (value null) first, then sets, each in name order so the result is stable.</summary>
        public static List<KeyValuePair<string, string?>> Compute(IDictionary<string, string> before, IDictionary<string, string> now, OSFamily os)
        {
            StringComparer names = NameComparer(os);
            var beforeByName = new Dictionary<string, string>(names);
            foreach (var pair in before)
            {
                beforeByName[pair.Key] = pair.Value;
            }

            var nowByName = new Dictionary<string, string>(names);
            foreach (var pair in now)
            {
                nowByName[pair.Key] = pair.Value;
            }

            var removals = new List<KeyValuePair<string, string?>>();
            foreach (var pair in beforeByName)
            {
                if (!nowByName.ContainsKey(pair.Key))
                {
                    removals.Add(new KeyValuePair<string, string?>(pair.Key, null));
                }
            }

            var sets = new List<KeyValuePair<string, string?>>();
            foreach (var pair in nowByName)
            {
                if (!beforeByName.TryGetValue(pair.Key, out string? old) || !string.Equals(old, pair.Value, StringComparison.Ordinal))
                {
                    sets.Add(new KeyValuePair<string, string?>(pair.Key, pair.Value));
                }
            }

            removals.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            sets.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            removals.AddRange(sets);
            return removals;
        }
    }
}
