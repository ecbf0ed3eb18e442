using System.Management.Automation;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Records
{
    /// <summary>Writes records to a cmdlet's streams; used on the cmdlet's pipeline thread only.</summary>
    internal sealed class CmdletRecordSink : IRecordSink
    {
        private readonly Cmdlet _cmdlet;

        public CmdletRecordSink(Cmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        public void Write(StreamKind stream, object record)
        {
            switch (stream)
            {
                case StreamKind.Output:
                    _cmdlet.WriteObject(record);
                    break;
                case StreamKind.Error:
                    _cmdlet.WriteError((ErrorRecord)record);
                    break;
                case StreamKind.Warning:
                    _cmdlet.WriteWarning(((WarningRecord)record).Message);
                    break;
                case StreamKind.Verbose:
                    _cmdlet.WriteVerbose(((VerboseRecord)record).Message);
                    break;
                case StreamKind.Debug:
                    _cmdlet.WriteDebug(((DebugRecord)record).Message);
                    break;
                case StreamKind.Information:
                    _cmdlet.WriteInformation((InformationRecord)record);
                    break;
                case StreamKind.Progress:
                    _cmdlet.WriteProgress((ProgressRecord)record);
                    break;
            }
        }

        /// <summary>Writes everything a job holds, stream by stream, and removes it unless kept.</summary>
        public void WriteJobData(Job job, bool keep)
        {
            foreach (PSObject item in Take(job.Output, keep))
            {
                Write(StreamKind.Output, item);
            }

            foreach (ErrorRecord record in Take(job.Error, keep))
            {
                Write(StreamKind.Error, record);
            }

            foreach (WarningRecord record in Take(job.Warning, keep))
            {
                Write(StreamKind.Warning, record);
            }

            foreach (VerboseRecord record in Take(job.Verbose, keep))
            {
                Write(StreamKind.Verbose, record);
            }

            foreach (DebugRecord record in Take(job.Debug, keep))
            {
                Write(StreamKind.Debug, record);
            }

            foreach (InformationRecord record in Take(job.Information, keep))
            {
                Write(StreamKind.Information, record);
            }

            foreach (ProgressRecord record in Take(job.Progress, keep))
            {
                Write(StreamKind.Progress, record);
            }
        }

        private static System.Collections.Generic.IList<T> Take<T>(PSDataCollection<T> collection, bool keep)
        {
            if (collection.Count == 0)
            {
                return System.Array.Empty<T>();
            }

            if (!keep)
            {
                return collection.ReadAll();
            }

            var copy = new T[collection.Count];
            collection.CopyTo(copy, 0);
            return copy;
        }
    }
}
