using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace ProcCmdlets.Commands
{
    internal static class CompletionSource
    {
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
                .Select(v => new CompletionResult(v.IndexOfAny(new[] { ' ', '\'', '$', '`' }) >= 0 ? "'" + v.Replace("'", "''") + "'" : v, v, CompletionResultType.ParameterValue, v));
        }
    }

    /// <summary>Completes -Name from the session's worker processes.</summary>
    public sealed class WorkerNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionSource.Matching(CompletionSource.Workers().Select(w => w.Name), wordToComplete);
    }

    /// <summary>Completes -Id from the session's worker processes.</summary>
    public sealed class WorkerIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionSource.Matching(CompletionSource.Workers().Select(w => w.Id.ToString()), wordToComplete);
    }

    /// <summary>Completes -Pool and pool -Name from the session's process pools.</summary>
    public sealed class PoolNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionSource.Matching(SessionRegistry.For(Runspace.DefaultRunspace).Pools.Select(p => p.Name), wordToComplete);
    }
}
