using System;
using System.Collections.Generic;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// The session-side state of one shared object. Calls run under its gate and either end at once
    /// or park among its waiters; a later call, a timer or a withdrawal ends a parked one.
    /// </summary>
    internal abstract class SharedState
    {
        protected readonly object _gate = new object();
        protected readonly LinkedList<SharedRequest> _waiters = new LinkedList<SharedRequest>();

        [ThreadStatic]
        private static List<KeyValuePair<SharedRequest, SharedResult>>? s_spareHandOffs;

        private List<KeyValuePair<SharedRequest, SharedResult>> _handOffs = new List<KeyValuePair<SharedRequest, SharedResult>>();

        protected SharedState(byte kind, int capacity)
        {
            Kind = kind;
            Capacity = capacity;
        }

        public byte Kind { get; }

        public int Capacity { get; }

        public long Id { get; internal set; }

        /// <summary>The public object the session hands out.</summary>
        public ProcessSharedObject? Public { get; internal set; }

        /// <summary>How messages name the object.</summary>
        public string Name => $"{GetType().Name.Replace("State", string.Empty)} {Id}";

        public void Invoke(SharedRequest request)
        {
            SharedResult? result;
            List<KeyValuePair<SharedRequest, SharedResult>>? handed = null;
            try
            {
                lock (_gate)
                {
                    try
                    {
                        result = Run(request);
                    }
                    catch (Exception e) when (e is ArgumentException || e is InvalidCastException || e is FormatException || e is OverflowException)
                    {
                        result = SharedResult.Failed(e.Message);
                    }
                    finally
                    {
                        handed = TakeHandOffs();
                    }
                }
            }
            finally
            {
                if (handed != null)
                {
                    FinishHandOffs(handed);
                }
            }

            if (result.HasValue)
            {
                request.Finish(result.Value);
            }
        }

        private static void FinishHandOffs(List<KeyValuePair<SharedRequest, SharedResult>> handed)
        {
            foreach (var handOff in handed)
            {
                handOff.Key.Finish(handOff.Value);
            }

            handed.Clear();
            s_spareHandOffs = handed;
        }

        /// <summary>
        /// Ends a call that was parked here with <paramref name="result"/> (under the gate, the call
        /// already unparked). A call the session's own thread waits for ends once the gate is left:
        /// waking that thread is a system call, and the thread's next call needs the gate at once.
        /// A worker's call ends here, under the gate, so that its delivery is recorded before
        /// anyone can see the object again (its worker's end requeues what it was not acknowledged).
        /// </summary>
        protected void Hand(SharedRequest request, SharedResult result)
        {
            if (request.WaitsInSession)
            {
                _handOffs.Add(new KeyValuePair<SharedRequest, SharedResult>(request, result));
            }
            else
            {
                request.Finish(result);
            }
        }

        private List<KeyValuePair<SharedRequest, SharedResult>>? TakeHandOffs()
        {
            if (_handOffs.Count == 0)
            {
                return null;
            }

            List<KeyValuePair<SharedRequest, SharedResult>> taken = _handOffs;
            _handOffs = s_spareHandOffs ?? new List<KeyValuePair<SharedRequest, SharedResult>>();
            s_spareHandOffs = null;
            return taken;
        }

        /// <summary>Runs a call under the gate: its result, or null once it is parked (or finished by the object).</summary>
        protected abstract SharedResult? Run(SharedRequest request);

        /// <summary>What running out of time means for a parked call (false, or a TimeoutException).</summary>
        protected abstract SharedResult TimeoutResult(SharedRequest request);

        /// <summary>Called under the gate when a parked call leaves without being satisfied.</summary>
        protected virtual void OnWithdrawn(SharedRequest request)
        {
        }

        /// <summary>Gives back what <paramref name="peer"/> holds; the warnings to show. Called once the peer has ended.</summary>
        public virtual IEnumerable<string> ReleaseHeldBy(SharedPeer peer) => Array.Empty<string>();

        /// <summary>Parks a call (under the gate); a zero timeout ends it at once.</summary>
        protected SharedResult? Park(SharedRequest request)
        {
            if (request.Timeout == TimeSpan.Zero)
            {
                return TimeoutResult(request);
            }

            if (request.Posted)
            {
                return SharedResult.Failed($"{Name}: a call that waits needs a call id.");
            }

            request.ParkedIn = this;
            request.Node = _waiters.AddLast(request);

            // With the fence of the worker's condemnation: its withdrawal sees this call parked, or this
            // call sees the condemnation and leaves, so nothing is handed to a worker being ended.
            System.Threading.Interlocked.MemoryBarrier();
            if (request.CallerEnding)
            {
                Unpark(request);
                request.ParkedIn = null;
                return SharedResult.Cancelled();
            }

            request.Arm(this);
            return null;
        }

        /// <summary>Takes a parked call out of the waiters (under the gate).</summary>
        protected void Unpark(SharedRequest request)
        {
            if (request.Node != null && request.Node.List != null)
            {
                _waiters.Remove(request.Node);
            }

            request.Node = null;
        }

        /// <summary>The first parked call doing <paramref name="op"/>, or null.</summary>
        protected SharedRequest? FirstWaiting(Channel.Protocol.SharedOp op)
        {
            for (var node = _waiters.First; node != null; node = node.Next)
            {
                if (node.Value.Op == op)
                {
                    return node.Value;
                }
            }

            return null;
        }

        /// <summary>The parked calls doing <paramref name="op"/>, taken out of the waiters.</summary>
        protected List<SharedRequest> TakeAllWaiting(Channel.Protocol.SharedOp op)
        {
            var taken = new List<SharedRequest>();
            for (var node = _waiters.First; node != null;)
            {
                var next = node.Next;
                if (node.Value.Op == op)
                {
                    _waiters.Remove(node);
                    node.Value.Node = null;
                    taken.Add(node.Value);
                }

                node = next;
            }

            return taken;
        }

        /// <summary>The call's timer fired.</summary>
        internal void Expire(SharedRequest request)
        {
            SharedResult result;
            lock (_gate)
            {
                if (request.IsFinished || request.Node == null)
                {
                    return;
                }

                Unpark(request);
                OnWithdrawn(request);
                result = TimeoutResult(request);
            }

            request.Finish(result);
        }

        /// <summary>Withdraws a parked call (its worker stopped or ended); false when it had been satisfied already.</summary>
        public bool Withdraw(SharedRequest request)
        {
            lock (_gate)
            {
                if (request.IsFinished || request.Node == null)
                {
                    return false;
                }

                Unpark(request);
                OnWithdrawn(request);
            }

            return request.Finish(SharedResult.Cancelled());
        }

        protected static string Seconds(SharedRequest request) =>
            request.Timeout.HasValue ? request.Timeout.Value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "?";
    }
}
