using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// Makes the module's jobs known to the session's job manager, so Get-Job, Receive-Job
    /// (with -AutoRemoveJob), Stop-Job and Remove-Job treat them as any other job.
    /// </summary>
    public sealed class ProcCmdletsJobSourceAdapter : JobSourceAdapter
    {
        private readonly ConcurrentDictionary<Guid, Job2> _jobs = new ConcurrentDictionary<Guid, Job2>();

        /// <summary>The adapter PowerShell's job manager makes for this module's jobs.</summary>
        public ProcCmdletsJobSourceAdapter()
        {
            Name = "ProcCmdletsJobSourceAdapter";
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace != null)
            {
                SessionRegistry.For(runspace).JobAdapter = this;
            }
        }

        internal IEnumerable<Job2> Jobs => _jobs.Values.OrderBy(j => j.Id);

        /// <summary>Registers a job with the caller's job manager.</summary>
        internal static void Register(PSCmdlet cmdlet, Job2 job)
        {
            var definition = new JobDefinition(typeof(ProcCmdletsJobSourceAdapter), string.Empty, job.Name);
            var parameters = new Dictionary<string, object> { { "NewJob", job } };
            cmdlet.JobManager.NewJob(new JobInvocationInfo(definition, parameters));
        }

        /// <summary>Takes a job the module made (passed as the specification's only parameter) into the job table.</summary>
        public override Job2? NewJob(JobInvocationInfo specification)
        {
            var job = specification.Parameters[0][0].Value as Job2;
            if (job != null)
            {
                _jobs.TryAdd(job.InstanceId, job);
            }

            return job;
        }

        /// <summary>Every job of the module in this session.</summary>
        public override IList<Job2> GetJobs() => Jobs.ToList();

        /// <summary>The jobs named <paramref name="name"/> (case-insensitive).</summary>
        public override IList<Job2> GetJobsByName(string name, bool recurse) =>
            Jobs.Where(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();

        /// <summary>The jobs whose command is <paramref name="command"/> (case-insensitive).</summary>
        public override IList<Job2> GetJobsByCommand(string command, bool recurse) =>
            Jobs.Where(j => string.Equals(j.Command, command, StringComparison.OrdinalIgnoreCase)).ToList();

        /// <summary>The job with <paramref name="instanceId"/>, or null.</summary>
        public override Job2? GetJobByInstanceId(Guid instanceId, bool recurse) =>
            _jobs.TryGetValue(instanceId, out Job2? job) ? job : null;

        /// <summary>The job with session id <paramref name="id"/>, or null.</summary>
        public override Job2? GetJobBySessionId(int id, bool recurse) => Jobs.FirstOrDefault(j => j.Id == id);

        /// <summary>The jobs in <paramref name="state"/>.</summary>
        public override IList<Job2> GetJobsByState(JobState state, bool recurse) =>
            Jobs.Where(j => j.JobStateInfo.State == state).ToList();

        /// <summary>Not supported: the module's jobs have no filterable properties.</summary>
        public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) =>
            throw new PSNotSupportedException("ProcCmdlets jobs cannot be filtered this way.");

        /// <summary>Takes <paramref name="job"/> out of the table and disposes it (a worker is marked removed first).</summary>
        public override void RemoveJob(Job2 job)
        {
            if (_jobs.TryRemove(job.InstanceId, out Job2? removed))
            {
                if (removed is WorkerProcess worker)
                {
                    worker.IsRemoved = true;
                }

                removed.Dispose();
            }
        }
    }
}
