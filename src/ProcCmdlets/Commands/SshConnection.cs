using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Connection;
using ProcCmdlets.Pools;
using ProcCmdlets.Records;
using ProcCmdlets.Shared;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>The -HostName parameter set of New-ProcessPool and Start-WorkerProcess: hosts to transports, and waiting for them to answer.</summary>
    internal static class SshConnection
    {
        public const string ParameterSet = "HostName";

        /// <summary>How long a host may take, once connected, to start pwsh and the worker (a cold pwsh on a busy host).</summary>
        private static readonly TimeSpan StartAllowance = TimeSpan.FromSeconds(60);

        /// <summary>One transport per host entry, all started by the ssh client found on PATH; a terminating error for an entry or option that cannot be used.</summary>
        public static List<SshTransport> Transports(SshCmdletBase cmdlet, string[] hostNames)
        {
            string? ssh = SshClient.Find();
            if (ssh == null)
            {
                throw cmdlet.Terminate(Errors.SshNotFound(new FileNotFoundException(SshClient.FileName + " is not in any absolute folder of PATH.")));
            }

            SshConnectionOptions connection = cmdlet.ConnectionOptions(ssh);
            var transports = new List<SshTransport>();
            foreach (string entry in hostNames)
            {
                try
                {
                    transports.Add(new SshTransport(new SshTarget(entry, connection)));
                }
                catch (ArgumentException e)
                {
                    cmdlet.ThrowTerminatingError(Errors.Create(e, "InvalidHostName", ErrorCategory.InvalidArgument, entry));
                }
            }

            return transports;
        }

        /// <summary>How long to wait for the hosts of <paramref name="transports"/> to answer.</summary>
        public static TimeSpan AnswerTimeout(IEnumerable<SshTransport> transports) =>
            TimeSpan.FromSeconds(transports.Max(t => t.Target.ConnectTimeout)) + StartAllowance;

        /// <summary>
        /// Waits until each host of a new pool has answered or has failed; the pool goes on with the
        /// hosts that answered (a warning names the others) and fails when none did.
        /// </summary>
        public static void WaitForHosts(PSCmdlet cmdlet, ProcessPool pool, TimeSpan timeout, CancellationToken cancellation)
        {
            // A pool made with transports has hosts.
            RemoteHosts hosts = pool.Core.Supervisor.Hosts!;
            List<HostSlot> dropped = hosts.WaitForAnswers(timeout, cancellation);
            if (cancellation.IsCancellationRequested)
            {
                pool.Terminate();
                throw new PipelineStoppedException();
            }

            foreach (HostSlot slot in hosts.Slots)
            {
                WriteMessages(cmdlet, slot.Location, slot.Messages);
            }

            if (dropped.Count == hosts.Slots.Count)
            {
                pool.Terminate();
                cmdlet.ThrowTerminatingError(Errors.NoHostReachable(RemoteHosts.Describe(dropped), pool.Name));
            }

            foreach (HostSlot slot in dropped)
            {
                cmdlet.WriteWarning($"Host '{slot.Location}' is left out of process pool '{pool.Name}': {slot.LastFailure}");
            }
        }

        /// <summary>Connects one worker for Start-WorkerProcess and waits until it runs; a terminating error naming the host otherwise.</summary>
        public static WorkerClient ConnectOne(PSCmdlet cmdlet, SshTransport transport, CancellationToken cancellation)
        {
            // An ssh transport's link.
            var link = (SshLink)transport.Start(null);
            bool ready;
            try
            {
                ready = link.WaitUntilReady(AnswerTimeout(new[] { transport }), cancellation);
            }
            catch (OperationCanceledException)
            {
                link.Kill();
                link.Dispose();
                throw new PipelineStoppedException();
            }

            if (!ready)
            {
                link.Kill();
                link.WaitForExit(TimeSpan.FromSeconds(5));
                string reason = link.Failure();
                link.Dispose();
                cmdlet.ThrowTerminatingError(Errors.HostUnreachable(transport.Location, reason));
            }

            WriteMessages(cmdlet, transport.Location, link.Messages);
            return new WorkerClient(link, SharedDispatcher.Session);
        }

        /// <summary>ssh's own messages: warnings when ssh says so, verbose otherwise.</summary>
        private static void WriteMessages(PSCmdlet cmdlet, string host, string[]? messages)
        {
            foreach (string line in messages ?? Array.Empty<string>())
            {
                if (line.StartsWith("Warning:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("WARNING", StringComparison.Ordinal))
                {
                    cmdlet.WriteWarning($"ssh {host}: {line}");
                }
                else
                {
                    cmdlet.WriteVerbose($"ssh {host}: {line}");
                }
            }
        }
    }
}
