using System.Management.Automation;
using ProcCmdlets.Engine;

namespace ProcCmdlets
{
    /// <summary>Removing the module ends every worker, pool and spare it started.</summary>
    public sealed class ModuleLifetime : IModuleAssemblyCleanup
    {
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            WorkerSpare.Clear();
            SessionRegistry.EndEverything();
        }
    }
}
