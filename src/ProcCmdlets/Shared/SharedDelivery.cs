namespace ProcCmdlets.Shared
{
    /// <summary>An item a queue sent to a worker whose code has not acknowledged it yet: it goes back to the queue if the worker ends first.</summary>
    internal readonly struct SharedDelivery
    {
        public SharedDelivery(long callId, QueueState queue, object? item)
        {
            CallId = callId;
            Queue = queue;
            Item = item;
        }

        /// <summary>The worker's Get call that the item answered.</summary>
        public long CallId { get; }

        public QueueState Queue { get; }

        public object? Item { get; }
    }
}
