using System.Management.Automation;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Makes a lock shared by the session and its workers [multiprocessing.Lock].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessLock")]
    [OutputType(typeof(ProcessLock))]
    public sealed class NewProcessLockCommand : ProcCmdletBase
    {
        /// <summary>Creates the lock and writes it.</summary>
        protected override void EndProcessing() => WriteObject(SharedTable.Add(new LockState()));
    }
}
