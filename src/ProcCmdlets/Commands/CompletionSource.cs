using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace ProcCmdlets.Commands
{
    /// <summary>What the completers offer: the session's workers, and values matching the word typed.</summary>
    internal static class CompletionSource
    {
        private static readonly char[] NeedQuotes = { ' ', '\'', '$', '`' };

        public static IEnumerable<WorkerProcess> Workers()
        {
            using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                return ps.AddCommand("Get-Job").Invoke().Select(o => o.BaseObject).OfType<WorkerProcess>().ToList();
            }
        }

        public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string word)
        {
            var pattern = new WildcardPattern((word ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return values.Distinct().Where(v => pattern.IsMatch(v)).OrderBy(v => v)
                .Select(v => new CompletionResult(v.IndexOfAny(NeedQuotes) >= 0 ? "'" + v.Replace("'", "''") + "'" : v, v, CompletionResultType.ParameterValue, v));
        }
    }
}
