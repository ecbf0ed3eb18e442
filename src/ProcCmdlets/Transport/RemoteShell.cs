using System;
using System.Text.RegularExpressions;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Quotes the remote pwsh's path for the shell sshd runs the command with, so that the path is
    /// only ever a path: a POSIX shell on Unix hosts (single quotes, in which nothing is special), and
    /// cmd.exe, the default shell of Windows' sshd, for a Windows path (double quotes, in which only
    /// <c>"</c> and <c>%</c> are special: neither can be escaped there, so a path holding one is refused;
    /// <c>"</c> cannot be in a Windows file name anyway).
    /// </summary>
    internal static class RemoteShell
    {
        /// <summary>Characters every shell takes literally: such a path goes as it is (so plain <c>pwsh</c> works on any host).</summary>
        private static readonly Regex Plain = new Regex(@"^[A-Za-z0-9_./+][A-Za-z0-9_./+\-]*$", RegexOptions.CultureInvariant);

        /// <summary>A drive-letter or UNC path: the host runs Windows.</summary>
        private static readonly Regex WindowsPath = new Regex(@"^([A-Za-z]:[\\/]|\\\\)", RegexOptions.CultureInvariant);

        public static string Quote(string path)
        {
            if (string.IsNullOrEmpty(path) || path.IndexOf('\0') >= 0 || path.IndexOf('\n') >= 0 || path.IndexOf('\r') >= 0)
            {
                throw new ArgumentException("-PowerShellPath must be a path on one line.");
            }

            if (Plain.IsMatch(path))
            {
                return path;
            }

            if (WindowsPath.IsMatch(path))
            {
                if (path.IndexOf('"') >= 0 || path.IndexOf('%') >= 0)
                {
                    throw new ArgumentException($"-PowerShellPath '{path}' holds '\"' or '%', which cmd.exe, the shell of a Windows host's sshd, cannot take literally.");
                }

                return "\"" + path + "\"";
            }

            return "'" + path.Replace("'", "'\\''") + "'";
        }
    }
}
