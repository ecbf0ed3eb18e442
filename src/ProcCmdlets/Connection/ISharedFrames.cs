using ProcCmdlets.Channel;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// What the session's shared objects (a layer above) do with a worker's shared-object frames,
    /// given to each <see cref="WorkerClient"/> when it is made; both run on the worker's reader thread.
    /// Neither throws: a failure here must not keep the worker's frames or its exit from the owner.
    /// </summary>
    internal interface ISharedFrames
    {
        /// <summary>Takes a shared-object frame (a call, a post or a cancel) instead of the worker's owner; never blocks.</summary>
        void OnFrame(WorkerClient client, Frame frame);

        /// <summary>The worker's channel has ended (every frame it sent has been read, up to a corrupt one) and its process has exited.</summary>
        void OnEnded(WorkerClient client);
    }
}
