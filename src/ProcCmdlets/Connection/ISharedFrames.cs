using ProcCmdlets.Channel;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// What the session's shared objects (a layer above) do with a worker's shared-object frames,
    /// given to each <see cref="WorkerClient"/> when it is made; both run on the worker's reader thread.
    /// </summary>
    internal interface ISharedFrames
    {
        /// <summary>Takes a shared-object frame (a call, a post or a cancel) instead of the worker's owner; never blocks.</summary>
        void OnFrame(WorkerClient client, Frame frame);

        /// <summary>The worker's channel has ended: every frame it sent has been read.</summary>
        void OnEnded(WorkerClient client);
    }
}
