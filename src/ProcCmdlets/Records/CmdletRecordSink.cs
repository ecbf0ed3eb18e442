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

        public void Write(StreamKind stream, object? record)
        {
            switch (stream)
            {
                case StreamKind.Output:
                    _cmdlet.WriteObject(record);
                    break;
                case StreamKind.Error:
                    _cmdlet.WriteError((ErrorRecord?)record);
                    break;
                case StreamKind.Warning:
                    _cmdlet.WriteWarning(((WarningRecord)record!).Message);
                    break;
                case StreamKind.Verbose:
                    _cmdlet.WriteVerbose(((VerboseRecord)record!).Message);
                    break;
                case StreamKind.Debug:
                    _cmdlet.WriteDebug(((DebugRecord)record!).Message);
                    break;
                case StreamKind.Information:
                    _cmdlet.WriteInformation((InformationRecord?)record);
                    break;
                case StreamKind.Progress:
                    _cmdlet.WriteProgress((ProgressRecord?)record);
                    break;
            }
        }

        /// <summary>Writes everything a job holds, stream by stream, and removes it unless kept.</summary>
        public void WriteJobData(Job job, bool keep)
        {
            WriteAll(job.Output, StreamKind.Output, keep);
            WriteAll(job.Error, StreamKind.Error, keep);
            WriteAll(job.Warning, StreamKind.Warning, keep);
            WriteAll(job.Verbose, StreamKind.Verbose, keep);
            WriteAll(job.Debug, StreamKind.Debug, keep);
            WriteAll(job.Information, StreamKind.Information, keep);
            WriteAll(job.Progress, StreamKind.Progress, keep);
        }

        private void WriteAll<T>(PSDataCollection<T> collection, StreamKind stream, bool keep)
        {
            foreach (T record in Take(collection, keep))
            {
                Write(stream, record);
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
