using System.Management.Automation;

namespace ProcCmdlets.Commands
{
    /// <summary>Closes pools: queued work finishes, then the workers exit [close(); join()]; -Force ends them at once [terminate()].</summary>
    [Cmdlet(VerbsCommon.Remove, "ProcessPool", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class RemoveProcessPoolCommand : ProcCmdletBase
    {
        /// <summary>The pools to remove: <c>ProcessPool</c> objects or pool names (press Tab to complete them).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        [PoolArgument]
        [ArgumentCompleter(typeof(PoolNameCompleter))]
        public ProcessPool[] Pool { get; set; } = null!;

        /// <summary>Kills the pools' workers at once, instead of letting queued work finish first [terminate()].</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Closes (or with -Force terminates) each pool and removes it from the session.</summary>
        protected override void ProcessRecord()
        {
            foreach (ProcessPool pool in Pool)
            {
                if (!ShouldProcess(pool.Name, Force ? "Terminate" : "Close"))
                {
                    continue;
                }

                if (Force)
                {
                    pool.Terminate();
                }
                else
                {
                    try
                    {
                        pool.Close(Cancellation);
                    }
                    catch (System.OperationCanceledException)
                    {
                        // Ctrl+C while waiting: the pool was terminated instead.
                        Registry.Remove(pool);
                        throw new PipelineStoppedException();
                    }
                }

                Registry.Remove(pool);
            }
        }
    }
}
