using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// The system's OpenSSH client. It is started by the full path found here: given a bare name, .NET
    /// looks in the current directory before PATH, where any file named ssh would run and be handed
    /// the key path. Folders of PATH that are not absolute are skipped for the same reason.
    /// </summary>
    internal static class SshClient
    {
        public static string FileName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "ssh.exe" : "ssh";

        /// <summary>The full path of the first ssh client in an absolute folder of PATH, or null.</summary>
        public static string? Find() => Find(Environment.GetEnvironmentVariable("PATH"));

        /// <summary>As <see cref="Find()"/>, in the folders of <paramref name="path"/> (a PATH value).</summary>
        public static string? Find(string? path)
        {
            foreach (string entry in (path ?? string.Empty).Split(Path.PathSeparator))
            {
                string dir = entry.Trim('"');
                try
                {
                    if (dir.Length == 0 || !Path.IsPathRooted(dir) || (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && !IsFullyQualified(dir)))
                    {
                        continue;
                    }

                    string candidate = Path.GetFullPath(Path.Combine(dir, FileName));
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

        // On Windows "\dir" and "C:dir" are rooted yet depend on the current drive or its folder.
        private static bool IsFullyQualified(string dir) =>
            dir.StartsWith(@"\\", StringComparison.Ordinal) || (dir.Length >= 3 && dir[1] == ':' && (dir[2] == '\\' || dir[2] == '/'));
    }
}
