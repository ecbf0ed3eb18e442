using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// One host to reach over OpenSSH and how: a <c>[user@]host[:port]</c> entry plus the options the
    /// cmdlet was given, turned into the arguments of the system's <c>ssh</c> client.
    /// </summary>
    internal sealed class SshTarget
    {
        /// <summary>Seconds ssh waits for a host to answer; used unless -Options sets ConnectTimeout.</summary>
        public const int DefaultConnectTimeout = 10;

        // A dead connection is noticed after ServerAliveInterval * ServerAliveCountMax seconds.
        private const int AliveInterval = 5;
        private const int AliveCountMax = 3;

        private static readonly char[] OptionNameStops = { '=', ' ', '\t' };

        private readonly List<KeyValuePair<string, string?>> _options = new List<KeyValuePair<string, string?>>();
        private readonly string _quotedPowerShellPath;

        public SshTarget(string entry, SshConnectionOptions? connection)
        {
            connection = connection ?? new SshConnectionOptions();
            if (string.IsNullOrWhiteSpace(entry))
            {
                throw new ArgumentException("A host name is empty.");
            }

            Entry = entry.Trim();
            string? user = ParseEntry(Entry, entry, out string host, out int port);
            HostName = host;
            string? problem = SshNames.HostProblem(HostName);
            if (problem != null)
            {
                throw new ArgumentException($"The entry is not of the form [user@]host[:port]: {problem}.");
            }

            UserName = string.IsNullOrEmpty(user) ? connection.UserName : user;
            problem = UserName == null ? null : SshNames.UserProblem(UserName);
            if (problem != null)
            {
                throw new ArgumentException($"The entry's user name cannot be used: {problem}.");
            }

            Location = port > 0 ? (HostName.IndexOf(':') >= 0 ? $"[{HostName}]:{port}" : $"{HostName}:{port}") : HostName;
            Port = port == 0 ? connection.Port : port;
            KeyFilePath = connection.KeyFilePath;
            SshPath = connection.SshPath;
            PowerShellPath = string.IsNullOrEmpty(connection.PowerShellPath) ? "pwsh" : connection.PowerShellPath!;
            _quotedPowerShellPath = RemoteShell.Quote(PowerShellPath);
            if (connection.Options != null)
            {
                AddOptions(connection.Options);
            }
        }

        /// <summary>Splits a trimmed <c>[user@]host[:port]</c> entry: its user (null when it names none), host and port (0 when none); errors quote it as <paramref name="written"/>.</summary>
        private static string? ParseEntry(string entry, string written, out string host, out int port)
        {
            string? user = null;
            string rest = entry;
            int at = rest.LastIndexOf('@');
            if (at >= 0)
            {
                user = rest.Substring(0, at);
                rest = rest.Substring(at + 1);
            }

            port = 0;
            if (rest.StartsWith("[", StringComparison.Ordinal) && rest.IndexOf(']') > 0)
            {
                // [IPv6]:port
                int close = rest.IndexOf(']');
                host = rest.Substring(1, close - 1);
                rest = rest.Substring(close + 1);
                port = rest.StartsWith(":", StringComparison.Ordinal) ? ParsePort(rest.Substring(1), written) : 0;
            }
            else if (rest.IndexOf(':') >= 0 && rest.IndexOf(':') == rest.LastIndexOf(':'))
            {
                int colon = rest.IndexOf(':');
                host = rest.Substring(0, colon);
                port = ParsePort(rest.Substring(colon + 1), written);
            }
            else
            {
                host = rest;
            }

            return user;
        }

        private void AddOptions(IDictionary options)
        {
            foreach (DictionaryEntry option in options)
            {
                string? key = option.Key?.ToString();
                if (key == null || key.Length == 0 || key.IndexOfAny(OptionNameStops) >= 0 || key.StartsWith("-", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{key}' is not an ssh option name.");
                }

                _options.Add(new KeyValuePair<string, string?>(key, Convert.ToString(option.Value, CultureInfo.InvariantCulture)));
            }
        }

        /// <summary>The entry as the user wrote it.</summary>
        public string Entry { get; }

        public string HostName { get; }

        /// <summary>The user to log in as, or null for ssh's own choice.</summary>
        public string? UserName { get; }

        /// <summary>0 for ssh's own choice.</summary>
        public int Port { get; }

        public string? KeyFilePath { get; }

        public string PowerShellPath { get; }

        /// <summary>The local ssh client to start, by full path.</summary>
        public string SshPath { get; }

        /// <summary>How errors and a worker's Location name it: the host, with the port when the entry names one.</summary>
        public string Location { get; }

        /// <summary>The connect timeout ssh will use, in seconds.</summary>
        public int ConnectTimeout
        {
            get
            {
                string? value = Option("ConnectTimeout");
                return value != null && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seconds) && seconds > 0
                    ? seconds : DefaultConnectTimeout;
            }
        }

        /// <summary>
        /// The ssh arguments, as one command line. ssh keeps the first value it is given for an option,
        /// so BatchMode comes before the user's options (it can never prompt), and the defaults after
        /// them (the user's values win).
        /// </summary>
        public string Arguments(string remoteCommand)
        {
            var args = new List<string> { "-T", "-o", "BatchMode=yes" };
            foreach (var option in _options)
            {
                args.Add("-o");
                args.Add(option.Key + "=" + option.Value);
            }

            AddDefault(args, "ConnectTimeout", DefaultConnectTimeout.ToString(CultureInfo.InvariantCulture));
            AddDefault(args, "ServerAliveInterval", AliveInterval.ToString(CultureInfo.InvariantCulture));
            AddDefault(args, "ServerAliveCountMax", AliveCountMax.ToString(CultureInfo.InvariantCulture));

            // Workers need no forwarded agent, display or ports (a forward in the user's config would
            // also fail to bind for the second worker).
            AddDefault(args, "ForwardAgent", "no");
            AddDefault(args, "ForwardX11", "no");
            AddDefault(args, "ClearAllForwardings", "yes");
            if (UserName != null && UserName.Length > 0)
            {
                args.Add("-l");
                args.Add(UserName);
            }

            if (Port > 0)
            {
                args.Add("-p");
                args.Add(Port.ToString(CultureInfo.InvariantCulture));
            }

            if (KeyFilePath != null && KeyFilePath.Length > 0)
            {
                args.Add("-i");
                args.Add(KeyFilePath);
            }

            args.Add("--");
            args.Add(HostName);
            args.Add(remoteCommand);
            var line = new StringBuilder();
            foreach (string arg in args)
            {
                if (line.Length > 0)
                {
                    line.Append(' ');
                }

                CommandLine.Append(line, arg);
            }

            return line.ToString();
        }

        /// <summary>The remote command: the remote pwsh, quoted for the remote shell, running the fixed bootstrap.</summary>
        public string RemoteCommand(string encodedBootstrap) =>
            _quotedPowerShellPath + " -NoLogo -NoProfile -NonInteractive -EncodedCommand " + encodedBootstrap;

        public override string ToString() => Location;

        private string? Option(string name)
        {
            foreach (var option in _options)
            {
                if (string.Equals(option.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return option.Value;
                }
            }

            return null;
        }

        private void AddDefault(List<string> args, string name, string value)
        {
            if (Option(name) == null)
            {
                args.Add("-o");
                args.Add(name + "=" + value);
            }
        }

        private static int ParsePort(string text, string entry)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < 1 || port > 65535)
            {
                throw new ArgumentException($"'{entry}' does not end with a port number from 1 to 65535.");
            }

            return port;
        }
    }
}
