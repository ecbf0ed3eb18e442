using System;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// The host and user names ssh is given. OpenSSH clients before 9.6 (Windows' own included) put
    /// them unchecked into <c>ProxyCommand</c> and <c>Match exec</c> through <c>%h</c> and <c>%u</c>,
    /// which a shell runs (CVE-2023-51385), so only characters no shell treats specially are let
    /// through: a host is a DNS name, an IPv4 or IPv6 address or an ssh_config alias of the same
    /// characters; a user name is a portable POSIX name, with <c>@</c> for Windows' user@domain.
    /// </summary>
    internal static class SshNames
    {
        private const int MaxHostLength = 253;
        private const int MaxUserLength = 256;

        private static readonly Regex HostName = new Regex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$", RegexOptions.CultureInvariant);
        private static readonly Regex Ipv6 = new Regex(@"^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.\-]+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex UserName = new Regex(@"^[A-Za-z0-9_][A-Za-z0-9_.@\-]*$", RegexOptions.CultureInvariant);

        /// <summary>Why <paramref name="host"/> is not a host ssh may be given, or null when it is one.</summary>
        public static string? HostProblem(string host)
        {
            if (string.IsNullOrEmpty(host))
            {
                return "the host name is empty";
            }

            if (host.IndexOf(':') >= 0)
            {
                int zone = host.IndexOf('%');
                bool address = Ipv6.IsMatch(host) && IPAddress.TryParse(zone < 0 ? host : host.Substring(0, zone), out IPAddress parsed)
                    && parsed.AddressFamily == AddressFamily.InterNetworkV6;
                return address ? null : $"'{Printable(host)}' is not an IPv6 address";
            }

            return host.Length <= MaxHostLength && HostName.IsMatch(host) ? null
                : $"'{Printable(host)}' is not a host name: a DNS name, an IP address, or an ssh_config alias of letters, digits, '.', '-' and '_' that does not start with '.' or '-'";
        }

        /// <summary>Why <paramref name="user"/> is not a user name ssh may be given, or null when it is one.</summary>
        public static string? UserProblem(string? user)
        {
            if (user == null || user.Length == 0)
            {
                return "the user name is empty";
            }

            return user.Length <= MaxUserLength && UserName.IsMatch(user) ? null
                : $"'{Printable(user)}' is not a user name ssh is given here: letters, digits, '.', '-', '_' and '@', not starting with '.', '-' or '@'";
        }

        /// <summary>The name with control characters shown as escapes, so that an error message stays on one line.</summary>
        private static string Printable(string text) =>
            Regex.Replace(text, @"\p{Cc}", m => "\\u" + ((int)m.Value[0]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
    }
}
