using System.Management.Automation;

namespace ProcCmdlets.Records
{
    /// <summary>A line a worker wrote straight to its console, shown in the session as host output.</summary>
    internal static class ConsoleRecord
    {
        public static InformationRecord Create(string line, int processId)
        {
            var record = new InformationRecord(new HostInformationMessage { Message = line }, "ProcCmdlets.Worker");
            record.Tags.Add("PSHOST");
            record.Tags.Add("Console");
            record.ProcessId = (uint)processId;
            return record;
        }
    }
}
