using System.Management.Automation;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Makes a value shared by the session and its workers, with atomic updates [multiprocessing.Value].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessValue")]
    [OutputType(typeof(ProcessValue))]
    public sealed class NewProcessValueCommand : ProcCmdletBase
    {
        /// <summary>The initial value.</summary>
        [Parameter(Position = 0)]
        [AllowNull]
        public object? Value { get; set; }

        /// <summary>Creates the value and writes it.</summary>
        protected override void EndProcessing() => WriteObject(SharedTable.Add(new ValueState(Value)));
    }
}
