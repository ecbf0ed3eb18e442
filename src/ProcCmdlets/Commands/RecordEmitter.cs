using System.Management.Automation;

namespace ProcCmdlets.Commands
{
    /// <summary>Writes a worker's records to the matching streams; called on the pipeline thread only.</summary>
    internal static class RecordEmitter
    {
        /// <summary>Writes everything a worker job holds, stream by stream, and removes it unless kept.</summary>
        public static void EmitJobData(Cmdlet cmdlet, Job job, bool keep)
        {
            foreach (PSObject item in Take(job.Output, keep))
            {
                cmdlet.WriteObject(item);
            }

            foreach (ErrorRecord record in Take(job.Error, keep))
            {
                cmdlet.WriteError(record);
            }

            foreach (WarningRecord record in Take(job.Warning, keep))
            {
                cmdlet.WriteWarning(record.Message);
            }

            foreach (VerboseRecord record in Take(job.Verbose, keep))
            {
                cmdlet.WriteVerbose(record.Message);
            }

            foreach (DebugRecord record in Take(job.Debug, keep))
            {
                cmdlet.WriteDebug(record.Message);
            }

            foreach (InformationRecord record in Take(job.Information, keep))
            {
                cmdlet.WriteInformation(record);
            }

            foreach (ProgressRecord record in Take(job.Progress, keep))
            {
                cmdlet.WriteProgress(record);
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
