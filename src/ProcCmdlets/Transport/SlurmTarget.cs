using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// One node's share of a Slurm pool: the srun step that runs its host agent. srun runs the
    /// program it is given directly (no shell), with the session's environment, on the node Slurm
    /// picks; the session's own pwsh is started there, so the nodes must see the same file system
    /// (as every Slurm site's compute nodes see the submitting node's).
    /// </summary>
    internal sealed class SlurmTarget
    {
        private static int s_connections;

        public SlurmTarget(string srunPath, string? scancelPath, int node, string poolName, IReadOnlyList<string> options, string powerShellPath, string powerShellArguments)
        {
            SrunPath = srunPath;
            ScancelPath = scancelPath;
            Location = "slurm:" + poolName + ":" + node.ToString(CultureInfo.InvariantCulture);
            PoolName = poolName;
            Options = options;
            PowerShellPath = powerShellPath;
            PowerShellArguments = powerShellArguments;
        }

        public string SrunPath { get; }

        public string? ScancelPath { get; }

        /// <summary>How workers' Location names the node's share until the agent says where it runs.</summary>
        public string Location { get; }

        public string PoolName { get; }

        /// <summary>The user's srun options (-SlurmOption), each one argument.</summary>
        public IReadOnlyList<string> Options { get; }

        /// <summary>The pwsh the agent runs in and starts workers with.</summary>
        public string PowerShellPath { get; }

        /// <summary>Arguments before pwsh's own (the quoted pwsh.dll when the session runs as <c>dotnet pwsh.dll</c>).</summary>
        public string PowerShellArguments { get; }

        /// <summary>A job name no other connection has, so that <c>scancel --name</c> ends exactly this step's job.</summary>
        public static string NewJobName() =>
            string.Format(CultureInfo.InvariantCulture, "ProcCmdlets-{0}-{1}", System.Diagnostics.Process.GetCurrentProcess().Id, System.Threading.Interlocked.Increment(ref s_connections));

        /// <summary>srun's arguments: unbuffered both ways, one node, one task, the user's options, then the program.</summary>
        public string Arguments(string jobName, string encodedBootstrap)
        {
            var args = new List<string> { "--unbuffered", "--nodes=1", "--ntasks=1", "--job-name=" + jobName, "--quiet" };
            args.AddRange(Options);
            args.Add(PowerShellPath);
            var line = new StringBuilder();
            foreach (string arg in args)
            {
                if (line.Length > 0)
                {
                    line.Append(' ');
                }

                CommandLine.Append(line, arg);
            }

            if (PowerShellArguments.Length > 0)
            {
                line.Append(' ').Append(PowerShellArguments);
            }

            return line.Append(" -NoLogo -NoProfile -NonInteractive -EncodedCommand ").Append(encodedBootstrap).ToString();
        }

        /// <summary>The session's own pwsh, as a program and the arguments before pwsh's own.</summary>
        public static (string Program, string Arguments) ThisPowerShell(string psHome)
        {
            string process = System.Diagnostics.Process.GetCurrentProcess().MainModule?.FileName ?? "pwsh";
            if (string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                return (process, CommandLine.Quote(Path.Combine(psHome, "pwsh.dll")));
            }

            return (process, string.Empty);
        }
    }
}
