using System;
using System.Collections.Generic;
using System.Threading;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// One call on a shared object. It ends exactly once: at once, or later when another call
    /// satisfies it, its timer fires, or it is withdrawn. Nothing waits on a thread for it in the
    /// session unless the session itself made the call.
    /// </summary>
    internal abstract class SharedRequest
    {
        private int _finished;
        private Timer? _timer;

        protected SharedRequest(SharedCaller caller, SharedOp op, object?[] args, TimeSpan? timeout)
        {
            Caller = caller;
            Op = op;
            Args = args;
            Timeout = timeout;
        }

        public SharedCaller Caller { get; }

        public SharedOp Op { get; }

        public object?[] Args { get; }

        public TimeSpan? Timeout { get; }

        public bool IsFinished => Volatile.Read(ref _finished) != 0;

        /// <summary>The object whose waiters hold this call, and its place there.</summary>
        internal SharedState? ParkedIn { get; set; }

        internal LinkedListNode<SharedRequest>? Node { get; set; }

        /// <summary>
        /// True for a call the session's own thread waits for: it times itself (no timer) and is
        /// ended outside the object's gate (see <see cref="SharedState"/>'s Hand).
        /// </summary>
        internal virtual bool WaitsInSession => false;

        /// <summary>
        /// The call comes from a worker the session has decided to end: it may not wait, since no
        /// later call may hand it anything (see <see cref="SharedState"/>'s Park).
        /// </summary>
        internal virtual bool CallerEnding => false;

        /// <summary>A posted call (no call id): nothing could answer or withdraw it, so it may not wait either.</summary>
        internal virtual bool Posted => false;

        public object? Arg(int index) => Args != null && index < Args.Length ? Args[index] : null;

        /// <summary>Ends the call with <paramref name="result"/>; false when it had ended already.</summary>
        public bool Finish(SharedResult result)
        {
            if (Interlocked.Exchange(ref _finished, 1) != 0)
            {
                return false;
            }

            Interlocked.Exchange(ref _timer, null)?.Dispose();
            Deliver(result);
            return true;
        }

        /// <summary>Starts the call's timer, if it has a timeout; when it fires, the object decides what a timeout means.</summary>
        internal void Arm(SharedState state)
        {
            if (Timeout.HasValue && !WaitsInSession)
            {
                var timer = new Timer(_ => state.Expire(this));
                Volatile.Write(ref _timer, timer);
                timer.Change(Timeout.Value, System.Threading.Timeout.InfiniteTimeSpan);
                if (IsFinished)
                {
                    Interlocked.Exchange(ref _timer, null)?.Dispose();
                }
            }
        }

        protected abstract void Deliver(SharedResult result);
    }
}
