using System;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// Takes back what the launcher set only for the worker's runtime (diagnostics and tuning
    /// variables), so that scripts and the programs they start see the session's environment.
    /// </summary>
    internal static class LaunchEnvironment
    {
        private static readonly char[] NameSeparator = { ';' };

        public static void Restore()
        {
            if (Environment.GetEnvironmentVariable(LaunchContract.UnsetDiagnosticsVariable) != null)
            {
                Environment.SetEnvironmentVariable(LaunchContract.UnsetDiagnosticsVariable, null);
                Environment.SetEnvironmentVariable(LaunchContract.DiagnosticsVariable, null);
            }

            string tuning = Environment.GetEnvironmentVariable(LaunchContract.UnsetTuningVariable);
            if (tuning != null)
            {
                foreach (string name in tuning.Split(NameSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    Environment.SetEnvironmentVariable(name, null);
                }

                Environment.SetEnvironmentVariable(LaunchContract.UnsetTuningVariable, null);
            }
        }
    }
}
