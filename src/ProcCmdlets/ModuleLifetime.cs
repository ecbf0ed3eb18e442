using System.Management.Automation;
using ProcCmdlets.Engine;

namespace ProcCmdlets
{
    /// <summary>
    /// Importing the module works out, in the background, how workers are started (so the first start
    /// returns sooner); removing it from a runspace ends that runspace's workers and pools, and the spare.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport()
        {
            System.Threading.ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    _ = WorkerLauncher.Strategy;
                    _ = WorkerLauncher.CreateStartInfo(null);
                }
                catch (System.Exception)
                {
                    // The first start reports it.
                }
            });
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            WorkerSpare.Clear();
            System.Management.Automation.Runspaces.Runspace runspace = System.Management.Automation.Runspaces.Runspace.DefaultRunspace;
            if (runspace != null)
            {
                SessionRegistry.For(runspace).EndAll();
            }
            else
            {
                SessionRegistry.EndEverything();
            }
        }
    }
}
