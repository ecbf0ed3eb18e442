using System.Management.Automation;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Makes a barrier shared by the session and its workers [multiprocessing.Barrier(parties)].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessBarrier")]
    [OutputType(typeof(ProcessBarrier))]
    public sealed class NewProcessBarrierCommand : ProcCmdletBase
    {
        /// <summary>The number of callers each round waits for [parties].</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateRange(1, int.MaxValue)]
        public int Parties { get; set; }

        /// <summary>Creates the barrier and writes it.</summary>
        protected override void EndProcessing() => WriteObject(SharedTable.Add(new BarrierState(Parties)));
    }
}
