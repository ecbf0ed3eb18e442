using System.Management.Automation;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Records
{
    /// <summary>Keeps records in a job's streams until they are received.</summary>
    internal sealed class JobRecordSink : IRecordSink
    {
        private readonly Job _job;

        public JobRecordSink(Job job)
        {
            _job = job;
        }

        public void Write(StreamKind stream, object record)
        {
            switch (stream)
            {
                case StreamKind.Output:
                    _job.Output.Add(PSObject.AsPSObject(record ?? new PSObject()));
                    break;
                case StreamKind.Error:
                    _job.Error.Add((ErrorRecord)record);
                    break;
                case StreamKind.Warning:
                    _job.Warning.Add((WarningRecord)record);
                    break;
                case StreamKind.Verbose:
                    _job.Verbose.Add((VerboseRecord)record);
                    break;
                case StreamKind.Debug:
                    _job.Debug.Add((DebugRecord)record);
                    break;
                case StreamKind.Information:
                    _job.Information.Add((InformationRecord)record);
                    break;
                case StreamKind.Progress:
                    _job.Progress.Add((ProgressRecord)record);
                    break;
            }
        }
    }
}
