using System;
using System.ComponentModel;
using System.Management.Automation;

namespace ProcCmdlets
{
    /// <summary>What the module's jobs share: they start when made, and cannot be suspended or blocked.</summary>
    public abstract class ProcCmdletsJob : Job2
    {
        /// <summary>A job for <paramref name="command"/> (the script block's text), named <paramref name="name"/> or numbered when null.</summary>
        protected ProcCmdletsJob(string command, string? name)
            : base(command, name)
        {
        }

        /// <summary>True while any of the job's streams holds records not yet received.</summary>
        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0
            || Debug.Count > 0 || Information.Count > 0 || Progress.Count > 0;

        /// <summary>Where the job runs: this machine, unless a job type says otherwise.</summary>
        public override string Location => Environment.MachineName;

        /// <summary>Nothing to do: the job runs from the moment it is made.</summary>
        public override void StartJob()
        {
        }

        /// <summary>Reports the start as done at once (see <see cref="StartJob"/>).</summary>
        public override void StartJobAsync() => OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));

        /// <summary>Stops the job as <see cref="Job.StopJob"/> does.</summary>
        public override void StopJob(bool force, string reason) => StopJob();

        /// <summary>Stops the job as <see cref="Job2.StopJobAsync()"/> does.</summary>
        public override void StopJobAsync(bool force, string reason) => StopJobAsync();

        /// <summary>Not supported: a worker cannot be suspended.</summary>
        public override void SuspendJob() => throw new NotSupportedException($"A {PSJobTypeName} job cannot be suspended.");

        /// <summary>Not supported (see <see cref="SuspendJob()"/>).</summary>
        public override void SuspendJobAsync() => SuspendJob();

        /// <summary>Not supported (see <see cref="SuspendJob()"/>).</summary>
        public override void SuspendJob(bool force, string reason) => SuspendJob();

        /// <summary>Not supported (see <see cref="SuspendJob()"/>).</summary>
        public override void SuspendJobAsync(bool force, string reason) => SuspendJob();

        /// <summary>Not supported: a worker is never suspended.</summary>
        public override void ResumeJob() => throw new NotSupportedException($"A {PSJobTypeName} job cannot be suspended or resumed.");

        /// <summary>Not supported (see <see cref="ResumeJob"/>).</summary>
        public override void ResumeJobAsync() => ResumeJob();

        /// <summary>Not supported: a worker never waits for the user.</summary>
        public override void UnblockJob() => throw new NotSupportedException($"A {PSJobTypeName} job is never blocked.");

        /// <summary>Not supported (see <see cref="UnblockJob"/>).</summary>
        public override void UnblockJobAsync() => UnblockJob();

        private static readonly System.Reflection.MethodInfo SetStateWithReason = typeof(Job).GetMethod(
            "SetJobState", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
            null, new[] { typeof(JobState), typeof(Exception) }, null);

        /// <summary>
        /// Sets the state with its reason (JobStateInfo.Reason), as Start-Job's and ThreadJob's jobs do; the
        /// engine's method for it is not in the reference assemblies the module builds against.
        /// </summary>
        internal void SetJobState(JobState state, Exception? reason)
        {
            if (reason == null || SetStateWithReason == null)
            {
                SetJobState(state);
                return;
            }

            try
            {
                SetStateWithReason.Invoke(this, new object[] { state, reason });
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is InvalidJobStateException)
            {
                throw e.InnerException;
            }
        }

        internal static bool IsFinishedState(JobState state) =>
            state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;
    }
}
