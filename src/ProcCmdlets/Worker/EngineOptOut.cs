using System;
using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// A worker leaves out two services every PowerShell process starts: the named-pipe listener that
    /// Enter-PSHostProcess connects to, and the engine's telemetry (the session sends its own). Each
    /// reads its opt-out variable once, in its type's static constructor, so the variables are set only
    /// while those constructors run; scripts and the programs they start see the environment unchanged.
    /// This saves a listening pipe per worker and about a sixth of a worker's start. It works only
    /// before any engine code has run, so only the bundled worker program applies it.
    /// </summary>
    internal static class EngineOptOut
    {
        private static readonly (string Variable, string TypeName)[] Services =
        {
            ("POWERSHELL_DIAGNOSTICS_OPTOUT", "System.Management.Automation.Remoting.RemoteSessionNamedPipeServer"),
            ("POWERSHELL_TELEMETRY_OPTOUT", "Microsoft.PowerShell.Telemetry.ApplicationInsightsTelemetry"),
        };

        public static void Apply()
        {
            foreach (var (variable, typeName) in Services)
            {
                string saved = Environment.GetEnvironmentVariable(variable);
                Environment.SetEnvironmentVariable(variable, "1");
                try
                {
                    Type type = typeof(PSObject).Assembly.GetType(typeName);
                    if (type != null)
                    {
                        RuntimeHelpers.RunClassConstructor(type.TypeHandle);
                    }
                }
                catch (Exception)
                {
                    // An engine without these services (or with them changed) simply keeps its own behaviour.
                }
                finally
                {
                    Environment.SetEnvironmentVariable(variable, saved);
                }
            }
        }
    }
}
