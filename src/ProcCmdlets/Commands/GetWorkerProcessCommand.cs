using System.Linq;
using System.Management.Automation;

using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Lists the session's worker processes [active_children()].</summary>
    [Cmdlet(VerbsCommon.Get, "WorkerProcess", DefaultParameterSetName = "All")]
    [OutputType(typeof(WorkerProcess))]
    public sealed class GetWorkerProcessCommand : ProcCmdletBase
    {
        /// <summary>Gets only the workers with these names.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(WorkerNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Gets only the workers with these job ids.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(WorkerIdCompleter))]
        public int[]? Id { get; set; }

        /// <summary>Gets only the workers in this state.</summary>
        [Parameter]
        public JobState State { get; set; }

        /// <summary>Writes the session's workers that match the filters given; an error for a plain name or an id that matches none.</summary>
        protected override void EndProcessing()
        {
            var workers = Registry.Workers.OrderBy(w => w.Id).ToList();
            if (Name != null)
            {
                foreach (string name in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
                {
                    if (!workers.Any(w => string.Equals(w.Name, name, System.StringComparison.OrdinalIgnoreCase)))
                    {
                        WriteError(Errors.WorkerNotFound($"name '{name}'", name));
                    }
                }

                var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                workers = workers.Where(w => patterns.Any(p => p.IsMatch(w.Name))).ToList();
            }

            if (Id != null)
            {
                foreach (int id in Id.Where(i => !workers.Any(w => w.Id == i)))
                {
                    WriteError(Errors.WorkerNotFound($"job id {id}", id));
                }

                workers = workers.Where(w => Id.Contains(w.Id)).ToList();
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(State)))
            {
                workers = workers.Where(w => w.JobStateInfo.State == State).ToList();
            }

            WriteObject(workers, true);
        }
    }
}
