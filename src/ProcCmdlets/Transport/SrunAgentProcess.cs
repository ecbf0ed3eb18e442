using System;
using System.Diagnostics;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// An srun step running a host agent on a Slurm node: its standard input and output carry the
    /// connection (<c>--unbuffered</c> passes bytes both ways as they come). Killing it also cancels
    /// its job by its unique name, so that nothing is left queued or running.
    /// </summary>
    internal sealed class SrunAgentProcess : LocalAgentProcess
    {
        private readonly SlurmTarget _target;
        private readonly string _jobName;

        private SrunAgentProcess(Process process, SlurmTarget target, string jobName)
            : base(process)
        {
            _target = target;
            _jobName = jobName;
        }

        public override string Location => _target.Location;

        /// <summary>Starts srun with the agent's bootstrap; returns at once (the allocation may wait in the queue).</summary>
        public static SrunAgentProcess Start(SlurmTarget target)
        {
            string jobName = SlurmTarget.NewJobName();
            return new SrunAgentProcess(StartRedirected(target.SrunPath, target.Arguments(jobName, SshBootstrap.AgentEncodedCommand)), target, jobName);
        }

        public override string Failure(string[] messages, int? exitCode)
        {
            string reason = messages.Length > 0 ? string.Join(" ", messages) : "srun gave no reason";
            string status = exitCode == null ? string.Empty : $" (srun exit status {exitCode})";
            return reason + status + ".";
        }

        public override void Kill()
        {
            base.Kill();
            Cancel();
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
