using System.Management.Automation;

namespace ProcCmdlets.Commands
{
    /// <summary>Closes pools: queued work finishes, then the workers exit [close(); join()]; -Force ends them at once [terminate()].</summary>
    [Cmdlet(VerbsCommon.Remove, "ProcessPool", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class RemoveProcessPoolCommand : ProcCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        [PoolArgument]
        [ArgumentCompleter(typeof(PoolNameCompleter))]
        public ProcessPool[] Pool { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

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
