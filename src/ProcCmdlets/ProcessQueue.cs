using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>
    /// A first-in first-out queue shared by the session and its workers
    /// [multiprocessing.Queue, JoinableQueue]. Timeouts are in seconds.
    /// </summary>
    public sealed class ProcessQueue : ProcessSharedObject
    {
        internal ProcessQueue(long id, int maxSize, ISharedEndpoint endpoint)
            : base(SharedKinds.Queue, id, maxSize, endpoint)
        {
        }

        /// <summary>How many items the queue holds at most; 0 for no limit [maxsize].</summary>
        public int MaxSize => Capacity;

        /// <summary>How many items wait in the queue now [qsize()].</summary>
        public int Count => (int)Call(SharedOp.Count)!; // always an int

        /// <summary>Adds an item, waiting while the queue is full.</summary>
        public void Put(object? item) => Call(SharedOp.Put, item);

        /// <summary>Adds an item, waiting at most <paramref name="timeout"/> seconds while the queue is full.</summary>
        public void Put(object? item, double timeout) => CallWithin(SharedOp.Put, timeout, item);

        /// <summary>Takes the oldest item, waiting for one.</summary>
        public object? Get() => Call(SharedOp.Get);

        /// <summary>Takes the oldest item, waiting at most <paramref name="timeout"/> seconds for one.</summary>
        public object? Get(double timeout) => CallWithin(SharedOp.Get, timeout);

        /// <summary>Marks one item taken from the queue as processed [task_done()].</summary>
        public void TaskDone() => Call(SharedOp.TaskDone);

        /// <summary>Waits until every item put has been marked done by <see cref="TaskDone"/>.</summary>
        public void Join() => Call(SharedOp.Join);

        /// <summary>As <see cref="Join()"/>, for at most <paramref name="timeout"/> seconds; false when time ran out.</summary>
        public bool Join(double timeout) => IsTrue(CallWithin(SharedOp.Join, timeout));

        /// <summary>Refuses later puts; gets take what is left, then fail.</summary>
        public void Close() => Call(SharedOp.Close);
    }
}
