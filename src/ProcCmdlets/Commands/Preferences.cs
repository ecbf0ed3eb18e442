using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Commands
{
    /// <summary>The caller's stream preferences, carried to the worker so its records follow them.</summary>
    internal static class Preferences
    {
        private static readonly string[] Names =
        {
            "VerbosePreference", "DebugPreference", "WarningPreference", "InformationPreference", "ProgressPreference",
        };

        /// <summary>The caller's preferences, overridden by common parameters given to the cmdlet (-Verbose, -WarningAction, ...).</summary>
        public static IEnumerable<KeyValuePair<string, object?>> Capture(PSCmdlet cmdlet)
        {
            var bound = cmdlet.MyInvocation.BoundParameters;
            foreach (string name in Names)
            {
                object value = cmdlet.SessionState.PSVariable.GetValue(name);
                if (value is PSObject pso)
                {
                    value = pso.BaseObject;
                }

                ActionPreference? preference = value as ActionPreference?;
                string common = name.Substring(0, name.Length - "Preference".Length);
                if ((common == "Verbose" || common == "Debug") && bound.TryGetValue(common, out object flag))
                {
                    preference = LanguagePrimitives.IsTrue(flag) ? ActionPreference.Continue : ActionPreference.SilentlyContinue;
                }
                else if (bound.TryGetValue(common + "Action", out object action) && LanguagePrimitives.TryConvertTo(action, out ActionPreference given))
                {
                    preference = given;
                }

                if (preference.HasValue)
                {
                    // A worker has no one to ask. Warnings and information are still sent when the caller is
                    // silent, so that -WarningVariable and -InformationVariable get them; the session decides.
                    ActionPreference effective = preference.Value;
                    if (effective == ActionPreference.Inquire
                        || (effective == ActionPreference.SilentlyContinue && (common == "Warning" || common == "Information")))
                    {
                        effective = ActionPreference.Continue;
                    }

                    yield return new KeyValuePair<string, object?>(name, effective.ToString());
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
