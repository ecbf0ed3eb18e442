using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ProcCmdlets.Records;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>The -Slurm parameter set of New-ProcessPool: one srun step per node, each carrying that node's workers through a host agent.</summary>
    internal static class SlurmPool
    {
        public const string ParameterSet = "Slurm";

        /// <summary>How long a pool waits for its steps to run: an allocation may wait in the queue.</summary>
        public static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(10);

        /// <summary>One transport per node; a terminating error when srun is not on PATH.</summary>
        public static List<IWorkerTransport> Transports(PSCmdlet cmdlet, int nodeCount, string[]? options, string poolName)
        {
            string? srun = SlurmClient.Find("srun");
            if (srun == null)
            {
                cmdlet.ThrowTerminatingError(Errors.SlurmNotFound(new FileNotFoundException("srun is not in any absolute folder of PATH.")));
                return new List<IWorkerTransport>();
            }

            string? scancel = SlurmClient.Find("scancel");
            var (program, arguments) = SlurmTarget.ThisPowerShell(WorkerLauncher.PSHome);
            var transports = new List<IWorkerTransport>();
            for (int node = 1; node <= nodeCount; node++)
            {
                var target = new SlurmTarget(srun, scancel, node, poolName, options ?? Array.Empty<string>(), program, arguments);
                transports.Add(new AgentTransport(target.Location, () => new AgentConnection(SrunAgentProcess.Start(target), target.PowerShellPath, target.PowerShellArguments, SshBootstrap.AgentWorkerEncodedCommand, SshBootstrap.WriteImage)));
            }

            return transports;
        }
    }
}
