using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Selects workers by object, id or name, as the job cmdlets do.</summary>
    public abstract class WorkerCmdletBase : ProcCmdletBase
    {
        /// <summary>The parameter set that takes <c>WorkerProcess</c> objects.</summary>
        protected const string WorkerSet = "Worker";
        /// <summary>The parameter set that takes job ids.</summary>
        protected const string IdSet = "Id";
        /// <summary>The parameter set that takes names.</summary>
        protected const string NameSet = "Name";

        /// <summary>The workers, as <c>WorkerProcess</c> objects; they can be piped to this parameter.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = WorkerSet)]
        [ValidateNotNull]
        public WorkerProcess[]? Worker { get; set; }

        /// <summary>The job ids of the workers; an id that matches no worker gives a <c>WorkerNotFound</c> error.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet)]
        [ArgumentCompleter(typeof(WorkerIdCompleter))]
        public int[]? Id { get; set; }

        /// <summary>The names of the workers, wildcards allowed; a name without wildcards that matches no worker gives a <c>WorkerNotFound</c> error.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        [ArgumentCompleter(typeof(WorkerNameCompleter))]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        internal static IEnumerable<WorkerProcess> AllWorkers() => Registry.Workers;

        /// <summary>The workers this call names; writes a WorkerNotFound error for each name or id that matches none.</summary>
        protected List<WorkerProcess> SelectWorkers()
        {
            var selected = new List<WorkerProcess>();
            switch (ParameterSetName)
            {
                case IdSet:
                    // Mandatory in its parameter set: bound when the set is this one.
                    foreach (int id in Id!)
                    {
                        var match = AllWorkers().Where(w => w.Id == id).ToList();
                        if (match.Count == 0)
                        {
                            WriteError(Errors.WorkerNotFound($"job id {id}", id));
                        }

                        selected.AddRange(match);
                    }

                    break;
                case NameSet:
                    foreach (string name in Name!)
                    {
                        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                        var match = AllWorkers().Where(w => pattern.IsMatch(w.Name)).ToList();
                        if (match.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                        {
                            WriteError(Errors.WorkerNotFound($"name '{name}'", name));
                        }

                        selected.AddRange(match);
                    }

                    break;
                default:
                    foreach (WorkerProcess worker in Worker!)
                    {
                        if (worker.IsRemoved)
                        {
                            WriteError(Errors.WorkerRemoved(worker));
                            continue;
                        }

                        selected.Add(worker);
                    }

                    break;
            }

            return selected.Distinct().ToList();
        }
    }
}
