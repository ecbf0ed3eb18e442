using System.Management.Automation;
using ProcCmdlets.Engine;

namespace ProcCmdlets
{
    /// <summary>Removing the module from a runspace ends that runspace's workers and pools, and the spare.</summary>
    public sealed class ModuleLifetime : IModuleAssemblyCleanup
    {
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
