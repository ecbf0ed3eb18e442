using System.Linq;
using System.Management.Automation;

using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Lists the session's process pools.</summary>
    [Cmdlet(VerbsCommon.Get, "ProcessPool")]
    [OutputType(typeof(ProcessPool))]
    public sealed class GetProcessPoolCommand : ProcCmdletBase
    {
        /// <summary>Gets only the pools with these names.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(PoolNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Writes the session's pools, or those matching -Name; an error for a plain name that matches none.</summary>
        protected override void EndProcessing()
        {
            var pools = Registry.Pools.ToList();
            if (Name == null)
            {
                WriteObject(pools, true);
                return;
            }

            foreach (string name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var match = pools.Where(p => pattern.IsMatch(p.Name)).ToList();
                if (match.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(Errors.PoolNotFound(name));
                }

                WriteObject(match, true);
            }
        }
    }
}
