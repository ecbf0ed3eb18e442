using System;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// An srun step running a host agent on a Slurm node: its standard input and output carry the
    /// connection (<c>--unbuffered</c> passes bytes both ways as they come). Killing it also cancels
    /// its job by its unique name, so that nothing is left queued or running.
    /// </summary>
    internal sealed class SrunAgentProcess : AgentProcess
    {
        private readonly Process _process;
        private readonly SlurmTarget _target;
        private readonly string _jobName;

        private SrunAgentProcess(Process process, SlurmTarget target, string jobName)
        {
            _process = process;
            _target = target;
            _jobName = jobName;
            Id = process.Id;
        }

        public override int Id { get; }

        public override string Location => _target.Location;

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

        /// <summary>Starts srun with the agent's bootstrap; returns at once (the allocation may wait in the queue).</summary>
        public static SrunAgentProcess Start(SlurmTarget target)
        {
            string jobName = SlurmTarget.NewJobName();
            var info = new ProcessStartInfo(target.SrunPath, target.Arguments(jobName, SshBootstrap.AgentEncodedCommand))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            // srun passes its environment to the step. With a terminal type, pwsh writes the
            // terminal's escape sequences to standard output, which is the connection here; an ssh
            // exec session has none either.
            info.Environment.Remove("TERM");
            var process = new Process { StartInfo = info };
            process.Start();
            return new SrunAgentProcess(process, target, jobName);
        }

        public override string Failure(string[] messages, int? exitCode)
        {
            string reason = messages.Length > 0 ? string.Join(" ", messages) : "srun gave no reason";
            string status = exitCode == null ? string.Empty : $" (srun exit status {exitCode})";
            return reason + status + ".";
        }

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

            Cancel();
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

        /// <summary>Cancels the step's job (a killed srun may leave it for a while): by its name, which no other job has.</summary>
        private void Cancel()
        {
            if (_target.ScancelPath == null)
            {
                return;
            }

            try
            {
                var info = new ProcessStartInfo(_target.ScancelPath, "--quiet --name=" + CommandLine.Quote(_jobName))
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    CreateNoWindow = true,
                };
                using (Process scancel = Process.Start(info)!)
                {
                    scancel.StandardOutput.ReadToEnd();
                    scancel.StandardError.ReadToEnd();
                    scancel.WaitForExit(10000);
                }
            }
            catch (Exception)
            {
                // scancel is gone or refused: the job ends with its step anyway.
            }
        }
    }
}
