using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace ProcCmdlets.Commands
{
    /// <summary>Completes -Pool and pool -Name from the session's process pools.</summary>
    public sealed class PoolNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionSource.Matching(SessionRegistry.For(Runspace.DefaultRunspace).Pools.Select(p => p.Name), wordToComplete);
    }
}
