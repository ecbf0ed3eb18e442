using System.Collections.Generic;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// How the session starts a worker, for a pool and for Start-WorkerProcess alike: a local one
    /// is the warm spare when there is one, a remote one a new process on its host. Every worker's
    /// shared-object frames go to the session's shared objects.
    /// </summary>
    internal static class WorkerStart
    {
        /// <summary>
        /// A local worker for <paramref name="setup"/>: the warm spare when there is one, else a new
        /// process in its working directory. A spare started before the session's latest environment
        /// changes: they go first in <paramref name="setup"/>'s environment, so that its own entries win.
        /// </summary>
        public static WorkerClient Local(WorkerSetup setup, ISharedFrames shared)
        {
            WorkerClient client = WorkerSpare.Take(setup.WorkingDirectory, shared, out List<KeyValuePair<string, string?>> changes);
            setup.Environment.InsertRange(0, changes);
            return client;
        }

        /// <summary>
        /// A worker on another host: a new process on <paramref name="transport"/>, in the login folder
        /// (the session's folder means nothing there); its reader starts at once.
        /// </summary>
        public static WorkerClient Remote(IWorkerTransport transport, ISharedFrames shared) => WorkerClient.Start(transport, null, shared);

        /// <summary>A worker's own copy of a pool's <paramref name="setup"/>, to start in <paramref name="workingDirectory"/>.</summary>
        public static WorkerSetup Copy(WorkerSetup setup, string? workingDirectory)
        {
            var copy = new WorkerSetup { WorkingDirectory = workingDirectory };
            copy.Environment.AddRange(setup.Environment);
            copy.Variables.AddRange(setup.Variables);
            return copy;
        }
    }
}
