using System;
using System.ComponentModel;
using System.Management.Automation;

namespace ProcCmdlets
{
    /// <summary>What the module's jobs share: they start when made, and cannot be suspended or blocked.</summary>
    public abstract class ProcCmdletsJob : Job2
    {
        protected ProcCmdletsJob(string command, string? name)
            : base(command, name)
        {
        }

        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0
            || Debug.Count > 0 || Information.Count > 0 || Progress.Count > 0;

        public override string Location => Environment.MachineName;

        public override void StartJob()
        {
        }

        public override void StartJobAsync() => OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));

        public override void StopJob(bool force, string reason) => StopJob();

        public override void StopJobAsync(bool force, string reason) => StopJobAsync();

        public override void SuspendJob() => throw new NotSupportedException($"A {PSJobTypeName} job cannot be suspended.");

        public override void SuspendJobAsync() => SuspendJob();

        public override void SuspendJob(bool force, string reason) => SuspendJob();

        public override void SuspendJobAsync(bool force, string reason) => SuspendJob();

        public override void ResumeJob() => throw new NotSupportedException($"A {PSJobTypeName} job cannot be suspended or resumed.");

        public override void ResumeJobAsync() => ResumeJob();

        public override void UnblockJob() => throw new NotSupportedException($"A {PSJobTypeName} job is never blocked.");

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
