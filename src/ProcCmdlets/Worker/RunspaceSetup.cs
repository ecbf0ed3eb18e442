using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>What the session sets in a worker before its scripts run: environment, working directory, global variables.</summary>
    internal static class RunspaceSetup
    {
        /// <summary>Applies a setup: environment, working directory, variables.</summary>
        public static void Apply(Runspace runspace, WorkerSetup setup)
        {
            foreach (var pair in setup.Environment)
            {
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }

            if (setup.WorkingDirectory != null)
            {
                Directory.SetCurrentDirectory(setup.WorkingDirectory);
                runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(setup.WorkingDirectory));
            }

            SetVariables(runspace, setup.Variables);
        }

        /// <summary>Sets global variables; preference names given as text become ActionPreference values.</summary>
        public static void SetVariables(Runspace runspace, IEnumerable<KeyValuePair<string, object?>> variables)
        {
            foreach (var pair in variables)
            {
                object? value = pair.Value;
                if (value is string text && pair.Key.EndsWith("Preference", StringComparison.Ordinal)
                    && Enum.TryParse(text, out ActionPreference preference))
                {
                    value = preference;
                }

                runspace.SessionStateProxy.SetVariable(pair.Key, value);
            }
        }
    }
}
