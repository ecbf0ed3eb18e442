using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace ProcCmdlets.Commands
{
    /// <summary>Completes -Name from the session's worker processes.</summary>
    public sealed class WorkerNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionSource.Matching(CompletionSource.Workers().Select(w => w.Name), wordToComplete);
    }
}
