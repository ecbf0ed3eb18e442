using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// What the remote pwsh runs: a fixed script (the same for every pool and every user script) that
    /// reads this assembly from the connection, checks it against the SHA-256 written into the script,
    /// loads it from memory and runs the worker loop on the rest of the same connection. Nothing is
    /// installed or written on the remote host.
    /// </summary>
    internal static class SshBootstrap
    {
        /// <summary>The line the bootstrap writes to standard error once the worker loop starts; everything before it is ssh's.</summary>
        public const string ReadyPrefix = Channel.Protocol.ReadyLine.Prefix;

        // The assembly is at most this big; a larger length means the stream is not what it should be.
        private const int MaxImageLength = 64 * 1024 * 1024;

        private static readonly Lazy<byte[]> LazyImage = new Lazy<byte[]>(() => File.ReadAllBytes(typeof(SshBootstrap).Assembly.Location));

        private static readonly Lazy<string> LazyEncoded = new Lazy<string>(() => Encode(Script()));

        private static readonly Lazy<string> LazyAgentEncoded = new Lazy<string>(() => Encode(Script("ProcCmdlets.Worker.AgentMain", "$t::Run($i)")));

        private static readonly Lazy<string> LazyAgentWorkerEncoded = new Lazy<string>(() => Encode(AgentWorkerScript()));

        /// <summary>This assembly's bytes, as the remote side loads them.</summary>
        public static byte[] Image => LazyImage.Value;

        /// <summary>The bootstrap for pwsh's -EncodedCommand.</summary>
        public static string EncodedCommand => LazyEncoded.Value;

        /// <summary>The same bootstrap, running a host agent (which is given the image for its workers) instead of a worker.</summary>
        public static string AgentEncodedCommand => LazyAgentEncoded.Value;

        /// <summary>The bootstrap a host agent starts its workers with (<see cref="AgentWorkerScript"/>).</summary>
        public static string AgentWorkerEncodedCommand => LazyAgentWorkerEncoded.Value;

        /// <summary>What the session writes before the channel: the image's length (4 bytes, little-endian), then the image.</summary>
        public static void WriteImage(Stream stream)
        {
            byte[] image = Image;
            stream.Write(BitConverter.GetBytes(image.Length), 0, 4);
            stream.Write(image, 0, image.Length);
            stream.Flush();
        }

        public static string Script() => Script("ProcCmdlets.Worker.WorkerMain", "$t::Run()");

        private static string Script(string typeName, string call)
        {
            string hash;
            using (SHA256 sha = SHA256.Create())
            {
                hash = BitConverter.ToString(sha.ComputeHash(Image));
            }

            // pwsh itself never reads standard input for -EncodedCommand, and the stream from
            // OpenStandardInput is unbuffered: exactly the image is read, the channel's bytes stay.
            return string.Join("\n", new[]
            {
                "try {",
                "if ($PSVersionTable.PSVersion -lt [version]'7.2') { throw \"ProcCmdlets needs PowerShell 7.2 or later on this host; $PSHOME is $($PSVersionTable.PSVersion).\" }",
                "$s = [Console]::OpenStandardInput()",
                "function Read-Exactly([int]$n) { $b = [byte[]]::new($n); $o = 0; while ($o -lt $n) { $r = $s.Read($b, $o, $n - $o); if ($r -le 0) { throw 'the connection closed while ProcCmdlets was being sent.' }; $o += $r }; , $b }",
                "$n = [BitConverter]::ToInt32((Read-Exactly 4), 0)",
                $"if ($n -le 0 -or $n -gt {MaxImageLength}) {{ throw 'the connection does not carry ProcCmdlets.' }}",
                "$i = Read-Exactly $n",
                $"if ([BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash($i)) -ne '{hash}') {{ throw 'ProcCmdlets arrived damaged (its SHA-256 differs).' }}",
                "$t = [Reflection.Assembly]::Load($i).GetType('" + typeName + "', $true)",
                $"[Console]::Error.WriteLine('{ReadyPrefix}' + $PID)",
                "} catch { [Console]::Error.WriteLine('ProcCmdlets could not start on this host: ' + $_.Exception.Message); exit 250 }",
                "exit " + call,
            });
        }

        /// <summary>
        /// A host agent's worker reads the image from its agent, which checked its hash and runs on the
        /// same pwsh, over a pipe between two processes of the host: so no check is repeated, and the
        /// image is read by the runtime rather than by a loop of script. Each statement of script a
        /// pwsh runs first costs it compiling: with this one a worker said Hello after 0.91 s of CPU
        /// instead of 1.23 s, and finished its first warm-up step after 1.12 s instead of 1.39 s
        /// (medians of seven starts each, alternating, load average 126-269).
        /// </summary>
        public static string AgentWorkerScript() => string.Join("\n", new[]
        {
            "try {",
            "$r = [IO.BinaryReader]::new([Console]::OpenStandardInput())",
            "$n = $r.ReadInt32()",
            $"if ($n -le 0 -or $n -gt {MaxImageLength}) {{ throw 'the agent did not send ProcCmdlets.' }}",
            "$i = $r.ReadBytes($n)",
            "if ($i.Length -ne $n) { throw 'the agent closed the pipe while ProcCmdlets was being sent.' }",
            "$t = [Reflection.Assembly]::Load($i).GetType('ProcCmdlets.Worker.WorkerMain', $true)",
            $"[Console]::Error.WriteLine('{ReadyPrefix}' + $PID)",
            "} catch { [Console]::Error.WriteLine('ProcCmdlets could not start on this host: ' + $_.Exception.Message); exit 250 }",
            "exit $t::Run()",
        });

        private static string Encode(string script) => Convert.ToBase64String(Encoding.Unicode.GetBytes(script));
    }
}
