using System.Management.Automation;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Makes an event shared by the session and its workers [multiprocessing.Event].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessEvent")]
    [OutputType(typeof(ProcessEvent))]
    public sealed class NewProcessEventCommand : ProcCmdletBase
    {
        /// <summary>Creates the event and writes it.</summary>
        protected override void EndProcessing() => WriteObject(SharedTable.Add(new EventState()));
    }
}
