using System.Management.Automation;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Makes a dictionary shared by the session and its workers [multiprocessing.Manager().dict()].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessDictionary")]
    [OutputType(typeof(ProcessDictionary))]
    public sealed class NewProcessDictionaryCommand : ProcCmdletBase
    {
        /// <summary>Creates the dictionary and writes it.</summary>
        protected override void EndProcessing() => WriteObject(SharedTable.Add(new DictionaryState()));
    }
}
