using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// Importing the module works out, in the background, how workers are started (so the first start
    /// returns sooner); removing it from a runspace ends that runspace's workers and pools, and the spare.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>Warms the start path on a thread-pool thread, so that the first start finds its code compiled.</summary>
        public void OnImport()
        {
            System.Threading.ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    _ = WorkerLauncher.Strategy;
                    _ = WorkerLauncher.CreateStartInfo(null);
                    PrepareStartPath();
                }
                catch (System.Exception)
                {
                    // The first start reports it.
                }
            });
        }

        /// <summary>
        /// Runs the session's side of a start once, with nothing started and nothing kept, so that the
        /// first real start finds that code compiled.
        /// </summary>
        private static void PrepareStartPath()
        {
            PreparedScript script = PreparedScript.From(ScriptBlock.Create("$args[0]"), null);
            var setup = new WorkerSetup { WorkingDirectory = System.IO.Path.GetTempPath() };
            setup.Environment.Add(new KeyValuePair<string, string?>("PROCCMDLETS_WARM_UP", null));
            setup.Variables.Add(new KeyValuePair<string, object?>("ErrorActionPreference", "Continue"));
            var payload = new PayloadWriter();
            new RunScript(setup, script.Text, null, new object?[] { 1, "text", 2.5, true, null }, false, PSLanguageMode.FullLanguage).Write(payload);
            using (var writer = new FrameWriter(System.IO.Stream.Null, "ProcCmdlets warm-up"))
            {
                writer.Send(FrameKind.RunScript, payload);
            }

            // The engine reflects over a cmdlet's parameters on its first call and keeps the result.
            _ = new CmdletInfo("Start-WorkerProcess", typeof(Commands.StartWorkerProcessCommand)).Parameters;
        }

        /// <summary>Ends the warm spare and every pool and worker of the session (of every session when no runspace is current).</summary>
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
