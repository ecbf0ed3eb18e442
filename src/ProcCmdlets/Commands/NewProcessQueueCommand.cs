using System.Management.Automation;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Makes a queue shared by the session and its workers [multiprocessing.Queue(maxsize), JoinableQueue].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessQueue")]
    [OutputType(typeof(ProcessQueue))]
    public sealed class NewProcessQueueCommand : ProcCmdletBase
    {
        /// <summary>The most items the queue holds [maxsize].</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MaxSize { get; set; }

        /// <summary>Creates the queue and writes it.</summary>
        protected override void EndProcessing() => WriteObject(SharedTable.Add(new QueueState(MaxSize)));
    }
}
