using System;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// A host agent's connection carried by a local program's standard input and output (ssh, or
    /// srun for a Slurm node): the streams and the life of that program.
    /// </summary>
    internal abstract class LocalAgentProcess : AgentProcess
    {
        protected LocalAgentProcess(Process process)
        {
            Process = process;
            Id = process.Id;
        }

        public override int Id { get; }

        public override Stream ToAgent => Process.StandardInput.BaseStream;

        public override Stream FromAgent => Process.StandardOutput.BaseStream;

        public override TextReader Errors => Process.StandardError;

        public override int? ExitCode
        {
            get
            {
                try
                {
                    return Process.HasExited ? Process.ExitCode : (int?)null;
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }
        }

        /// <summary>The local program.</summary>
        protected Process Process { get; }

        public override void Kill()
        {
            try
            {
                Process.Kill();
            }
            catch (Exception)
            {
                // It has exited already.
            }
        }

        public override bool WaitForExit(TimeSpan timeout)
        {
            try
            {
                return Process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(0, timeout.TotalMilliseconds)));
            }
            catch (Exception)
            {
                return true;
            }
        }

        public override void Dispose()
        {
            Process.Dispose();
            base.Dispose();
        }

        /// <summary>
        /// Starts the program with all three streams redirected; returns at once. Without a terminal
        /// type in its environment: with one, the remote pwsh writes the terminal's escape sequences to
        /// standard output, which is the connection (srun passes its environment on; an ssh exec
        /// session has no terminal either).
        /// </summary>
        protected static Process StartRedirected(string fileName, string arguments)
        {
            var info = RedirectedStartInfo.Create(fileName, arguments);
            info.Environment.Remove("TERM");
            var process = new Process { StartInfo = info };
            process.Start();
            return process;
        }
    }
}
