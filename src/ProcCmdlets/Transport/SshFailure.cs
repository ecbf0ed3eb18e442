using System;

namespace ProcCmdlets.Transport
{
    /// <summary>Why a connection failed, from ssh's messages and exit status, with what to do about the common causes.</summary>
    internal static class SshFailure
    {
        public static string Describe(string[] messages, int? code, string hostName, string powerShellPath)
        {
            string reason = messages.Length > 0 ? string.Join(" ", messages) : "ssh gave no reason";
            string status = code == null ? string.Empty : code == 255 ? " (ssh exit status 255: the connection failed)" : $" (exit status {code})";
            string hint = string.Empty;
            if (reason.IndexOf("Host key verification failed", StringComparison.OrdinalIgnoreCase) >= 0
                || reason.IndexOf("No ED25519 host key is known", StringComparison.OrdinalIgnoreCase) >= 0
                || reason.IndexOf("host key is known", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                hint = $" The host's key is not in known_hosts (or differs from it): check it, then add it (for example connect once with 'ssh {hostName}', or ssh-keyscan), or choose -Options @{{ StrictHostKeyChecking = 'accept-new' }}.";
            }
            else if (reason.IndexOf("Permission denied", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                hint = " The host refused the key: give one it accepts with -KeyFilePath (passwords are never asked for).";
            }
            else if (code == 127 || reason.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                hint = $" '{powerShellPath}' must be PowerShell 7.2 or later on that host: give its path with -PowerShellPath.";
            }

            return reason + status + "." + hint;
        }
    }
}
