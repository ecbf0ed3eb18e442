using System.Collections.Generic;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// A queue's items and waiters [Queue, JoinableQueue]. A put that finds a get waiting hands the
    /// item over directly; a get that frees room admits the oldest waiting put.
    /// </summary>
    internal sealed class QueueState : SharedState
    {
        private readonly Queue<object?> _items = new Queue<object?>();
        private long _unfinished;
        private bool _closed;

        public QueueState(int maxSize)
            : base(SharedKinds.Queue, maxSize)
        {
        }

        private bool Full => Capacity > 0 && _items.Count >= Capacity;

        protected override SharedResult? Run(SharedRequest request)
        {
            switch (request.Op)
            {
                case SharedOp.Put:
                    return Put(request);
                case SharedOp.Get:
                    return Get(request);
                case SharedOp.Count:
                    return SharedResult.Ok(_items.Count);
                case SharedOp.TaskDone:
                    if (_unfinished <= 0)
                    {
                        return SharedResult.Invalid($"TaskDone() was called on {Name} more times than items were put.");
                    }

                    if (--_unfinished == 0)
                    {
                        FinishAll(TakeAllWaiting(SharedOp.Join), SharedResult.True);
                    }

                    return SharedResult.Done;
                case SharedOp.Join:
                    return _unfinished == 0 ? SharedResult.True : Park(request);
                case SharedOp.Close:
                    _closed = true;
                    FinishAll(TakeAllWaiting(SharedOp.Get), ClosedEmpty());
                    FinishAll(TakeAllWaiting(SharedOp.Put), Closed());
                    return SharedResult.Done;
                default:
                    return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }
        }

        private SharedResult? Put(SharedRequest request)
        {
            if (_closed)
            {
                return Closed();
            }

            if (Full)
            {
                return Park(request);
            }

            Accept(request.Arg(0));
            return SharedResult.Done;
        }

        private void Accept(object? item)
        {
            _unfinished++;
            SharedRequest? getter = FirstWaiting(SharedOp.Get);
            if (getter != null)
            {
                Unpark(getter);
                Hand(getter, SharedResult.Ok(item));
            }
            else
            {
                _items.Enqueue(item);
            }
        }

        private SharedResult? Get(SharedRequest request)
        {
            if (_items.Count > 0)
            {
                object? item = _items.Dequeue();
                SharedRequest? putter = FirstWaiting(SharedOp.Put);
                if (putter != null)
                {
                    Unpark(putter);
                    Accept(putter.Arg(0));
                    Hand(putter, SharedResult.Done);
                }

                return SharedResult.Ok(item);
            }

            return _closed ? ClosedEmpty() : Park(request);
        }

        /// <summary>
        /// Puts back, at the head and in their order, items sent to a worker that ended before its
        /// code took them; a waiting get takes them first. They were counted when put, so
        /// <c>Join</c> still waits for them; MaxSize does not refuse them.
        /// </summary>
        public void Requeue(IReadOnlyList<object?> items)
        {
            lock (_gate)
            {
                int next = 0;
                SharedRequest? getter;
                while (next < items.Count && (getter = FirstWaiting(SharedOp.Get)) != null)
                {
                    Unpark(getter);
                    getter.Finish(SharedResult.Ok(items[next++]));
                }

                if (next == items.Count)
                {
                    return;
                }

                // Rare (a worker died holding items): rebuilding the queue keeps the common path a plain Queue.
                object?[] rest = _items.ToArray();
                _items.Clear();
                for (int i = next; i < items.Count; i++)
                {
                    _items.Enqueue(items[i]);
                }

                foreach (object? item in rest)
                {
                    _items.Enqueue(item);
                }
            }
        }

        protected override SharedResult TimeoutResult(SharedRequest request)
        {
            switch (request.Op)
            {
                case SharedOp.Join:
                    return SharedResult.False;
                case SharedOp.Put:
                    return SharedResult.TimedOut($"{Name} stayed full for {Seconds(request)} seconds.");
                default:
                    return SharedResult.TimedOut($"No item came to {Name} within {Seconds(request)} seconds.");
            }
        }

        private SharedResult Closed() => SharedResult.Invalid($"{Name} is closed.");

        private SharedResult ClosedEmpty() => SharedResult.Invalid($"{Name} is closed and empty.");

        private static void FinishAll(List<SharedRequest> requests, SharedResult result)
        {
            foreach (SharedRequest request in requests)
            {
                request.Finish(result);
            }
        }
    }
}
