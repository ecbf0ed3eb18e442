using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Engine;

namespace ProcCmdlets.Commands
{
    /// <summary>The caller's stream preferences, carried to the worker so its records follow them.</summary>
    internal static class Preferences
    {
        private static readonly string[] Names =
        {
            "VerbosePreference", "DebugPreference", "WarningPreference", "InformationPreference", "ProgressPreference",
        };

        public static IEnumerable<KeyValuePair<string, object>> Capture(SessionState state)
        {
            foreach (string name in Names)
            {
                object value = state.PSVariable.GetValue(name);
                if (value is PSObject pso)
                {
                    value = pso.BaseObject;
                }

                if (value is ActionPreference preference)
                {
                    if (preference == ActionPreference.Inquire)
                    {
                        preference = ActionPreference.Continue;
                    }

                    yield return new KeyValuePair<string, object>(name, preference.ToString());
                }
            }
        }

        public static bool WarmSpareEnabled(SessionState state)
        {
            object value = state.PSVariable.GetValue(WorkerSpare.PreferenceVariable);
            return value == null || LanguagePrimitives.IsTrue(value);
        }
    }
}
