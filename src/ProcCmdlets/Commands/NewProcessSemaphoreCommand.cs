using System.Management.Automation;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Makes a counting semaphore shared by the session and its workers [multiprocessing.Semaphore(value)].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessSemaphore")]
    [OutputType(typeof(ProcessSemaphore))]
    public sealed class NewProcessSemaphoreCommand : ProcCmdletBase
    {
        /// <summary>The number of free slots the semaphore starts with [value].</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateRange(0, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>Creates the semaphore and writes it.</summary>
        protected override void EndProcessing() => WriteObject(SharedTable.Add(new SemaphoreState(Count)));
    }
}
