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

        public void Write(StreamKind stream, object? record)
        {
            switch (stream)
            {
                case StreamKind.Output:
                    Add(_job.Output, PSObject.AsPSObject(record ?? new PSObject()));
                    break;
                case StreamKind.Error:
                    Add(_job.Error, (ErrorRecord?)record);
                    break;
                case StreamKind.Warning:
                    Add(_job.Warning, (WarningRecord?)record);
                    break;
                case StreamKind.Verbose:
                    Add(_job.Verbose, (VerboseRecord?)record);
                    break;
                case StreamKind.Debug:
                    Add(_job.Debug, (DebugRecord?)record);
                    break;
                case StreamKind.Information:
                    Add(_job.Information, (InformationRecord?)record);
                    break;
                case StreamKind.Progress:
                    Add(_job.Progress, (ProgressRecord?)record);
                    break;
            }
        }

        /// <summary>
        /// Records go to the job's streams from the threads that read them; Remove-Job closes those
        /// streams from another thread, and a record that arrives after that has no one to receive it.
        /// Thrown on such a thread, the engine's "closed buffer" error ended the whole process.
        /// </summary>
        private static void Add<T>(PSDataCollection<T> buffer, T record)
        {
            try
            {
                buffer.Add(record);
            }
            catch (PSInvalidOperationException) when (!buffer.IsOpen)
            {
            }
        }
    }
}
