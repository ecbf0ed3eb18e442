using System;
using System.IO;

namespace ProcCmdlets.Transport
{
    /// <summary>Slurm's client programs (srun, scancel), found by full path in the absolute folders of PATH, as the ssh client is.</summary>
    internal static class SlurmClient
    {
        /// <summary>The full path of <paramref name="name"/> in the first absolute folder of PATH that has it, or null.</summary>
        public static string? Find(string name)
        {
            foreach (string entry in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            {
                string dir = entry.Trim('"');
                try
                {
                    if (dir.Length == 0 || !Path.IsPathRooted(dir))
                    {
                        continue;
                    }

                    string candidate = Path.GetFullPath(Path.Combine(dir, name));
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
                catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is IOException || e is UnauthorizedAccessException)
                {
                }
            }

            return null;
        }
    }
}
