using System;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>A local ssh client running the host agent's bootstrap on the remote pwsh.</summary>
    internal sealed class SshAgentProcess : AgentProcess
    {
        private readonly Process _process;
        private readonly SshTarget _target;

        private SshAgentProcess(Process process, SshTarget target)
        {
            _process = process;
            _target = target;
            Id = process.Id;
            Location = target.Location;
        }

        public override int Id { get; }

        public override string Location { get; }

        public override Stream ToAgent => _process.StandardInput.BaseStream;

        public override Stream FromAgent => _process.StandardOutput.BaseStream;

        public override TextReader Errors => _process.StandardError;

        public override int? ExitCode
        {
            get
            {
                try
                {
                    return _process.HasExited ? _process.ExitCode : (int?)null;
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }
        }

        /// <summary>Starts ssh with the agent's bootstrap; returns at once.</summary>
        public static SshAgentProcess Start(SshTarget target)
        {
            var info = new ProcessStartInfo(target.SshPath, target.Arguments(target.RemoteCommand(SshBootstrap.AgentEncodedCommand)))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            var process = new Process { StartInfo = info };
            process.Start();
            return new SshAgentProcess(process, target);
        }

        public override string Failure(string[] messages, int? exitCode) => SshFailure.Describe(messages, exitCode, _target.HostName, _target.PowerShellPath);

        public override void Kill()
        {
            try
            {
                _process.Kill();
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
                return _process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(0, timeout.TotalMilliseconds)));
            }
            catch (Exception)
            {
                return true;
            }
        }

        public override void Dispose()
        {
            _process.Dispose();
            base.Dispose();
        }
    }
}
