using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// A worker's end of the shared objects: handles that arrive become proxies whose calls go to
    /// the session as SharedCall frames; the calling thread waits for its SharedReply, which the
    /// reader thread delivers by call id. A put on an unbounded queue and a lock holder's release
    /// are posted without waiting: frames keep their order on the channel, so a later call sees
    /// their effect.
    /// </summary>
    internal sealed class WorkerShared : ISharedObjectResolver, ISharedEndpoint
    {
        private readonly FrameWriter _writer;
        private readonly ConcurrentDictionary<long, PendingCall> _pending = new ConcurrentDictionary<long, PendingCall>();
        private readonly ConcurrentDictionary<long, ProcessSharedObject> _proxies = new ConcurrentDictionary<long, ProcessSharedObject>();
        private readonly ConcurrentDictionary<long, LockLease> _leases = new ConcurrentDictionary<long, LockLease>();
        private readonly ConcurrentDictionary<long, string?> _refused = new ConcurrentDictionary<long, string?>();
        private long _nextCallId;

        [ThreadStatic]
        private static PayloadWriter? s_payload;

        public WorkerShared(FrameWriter writer)
        {
            _writer = writer;
        }

        public object Resolve(SharedHandle handle) =>
            _proxies.GetOrAdd(handle.Id, id => SharedKinds.Create(handle.Kind, id, handle.Capacity, this)
                ?? throw new System.IO.InvalidDataException($"Unknown shared object kind {handle.Kind}."));

        public object Call(ProcessSharedObject target, SharedOp op, TimeSpan? timeout, object[] args)
        {
            int thread = Environment.CurrentManagedThreadId;
            if (target is ProcessLock)
            {
                LockLease lease = _leases.GetOrAdd(target.Id, _ => new LockLease());
                if (op == SharedOp.Acquire)
                {
                    lock (lease)
                    {
                        if (lease.Thread == thread && !lease.Held)
                        {
                            lease.Held = true;
                            lease.Uses++;
                            return true;
                        }
                    }
                }
                else if (op == SharedOp.Release)
                {
                    Release(target, lease, thread);
                    return null;
                }
            }

            if (target is ProcessQueue && op == SharedOp.Put && target.Capacity == 0)
            {
                if (_refused.TryGetValue(target.Id, out string? refusal))
                {
                    throw new InvalidOperationException(refusal);
                }

                // Batched with its neighbours (up to the writer's batch delay): a producer's puts cross in bulk.
                Send(FrameKind.SharedPost, 0, target, op, thread, timeout, args);
                return null;
            }

            long callId = Interlocked.Increment(ref _nextCallId);
            var call = new PendingCall { LeaseOf = target is ProcessLock && op == SharedOp.Acquire ? target.Id : 0, Thread = thread };
            _pending[callId] = call;
            try
            {
                Send(FrameKind.SharedCall, callId, target, op, thread, timeout, args);
                SharedReply reply = call.Wait(() => SendCancel(callId));
                if (reply.Status == SharedStatus.Ok && op == SharedOp.Get && target is ProcessQueue)
                {
                    // Queued before the code can do anything with the item, so it reaches the session
                    // ahead of any output; posted, so it rides with the next frames.
                    SendAck(target.Id, callId, thread);
                }

                return SharedOutcome.Unwrap(reply.Status, reply.Value, reply.Message);
            }
            finally
            {
                _pending.TryRemove(callId, out _);
            }
        }

        private void Send(FrameKind kind, long callId, ProcessSharedObject target, SharedOp op, int thread, TimeSpan? timeout, object[] args)
        {
            PayloadWriter w = (s_payload ?? (s_payload = new PayloadWriter(256))).Reset();
            int milliseconds = timeout.HasValue ? (int)Math.Min(int.MaxValue, timeout.Value.TotalMilliseconds) : -1;
            SharedCall.Write(w, callId, target.Id, op, thread, milliseconds, args);
            _writer.Send(kind, w);
        }

        private void Release(ProcessSharedObject target, LockLease lease, int thread)
        {
            lock (lease)
            {
                if (lease.Thread != thread || !lease.Held)
                {
                    throw new InvalidOperationException($"{target} is not held by this thread; only its holder may release it.");
                }

                lease.Held = false;
                if (!lease.ShouldYield())
                {
                    if (lease.Linger == null)
                    {
                        long id = target.Id;
                        lease.Linger = new Timer(_ => GiveBackIfIdle(id));
                    }

                    lease.Linger.Change(LockLease.LingerMilliseconds, Timeout.Infinite);
                    return;
                }

                lease.Thread = 0;
            }

            SendRelease(target.Id, thread);
        }

        private void GiveBackIfIdle(long lockId)
        {
            if (!_leases.TryGetValue(lockId, out LockLease lease))
            {
                return;
            }

            int thread;
            lock (lease)
            {
                if (lease.Thread == 0 || lease.Held)
                {
                    return;
                }

                thread = lease.Thread;
                lease.Thread = 0;
            }

            SendRelease(lockId, thread);
        }

        /// <summary>Gives a lease back: a release as its thread, posted without waiting (the holder's own check passed here).</summary>
        private void SendRelease(long lockId, int thread)
        {
            var w = new PayloadWriter(32);
            SharedCall.Write(w, 0, lockId, SharedOp.Release, thread, -1, null);
            try
            {
                _writer.Send(FrameKind.SharedCall, w);
            }
            catch (Exception e) when (e is System.IO.IOException || e is ObjectDisposedException)
            {
            }
        }

        /// <summary>Tells the session that the code has the item of Get call <paramref name="callId"/>: it is no longer returned to the queue if this worker ends.</summary>
        private void SendAck(long queueId, long callId, int thread)
        {
            var w = new PayloadWriter(32);
            SharedCall.Write(w, 0, queueId, SharedOp.Ack, thread, -1, new object[] { callId });
            try
            {
                _writer.Send(FrameKind.SharedPost, w);
            }
            catch (Exception e) when (e is System.IO.IOException || e is ObjectDisposedException)
            {
            }
        }

        private void SendCancel(long callId)
        {
            var w = new PayloadWriter(16);
            Marker.Write(w, callId);
            try
            {
                _writer.Send(FrameKind.SharedCancel, w);
            }
            catch (Exception e) when (e is System.IO.IOException || e is ObjectDisposedException)
            {
            }
        }

        /// <summary>A reply from the session, on the reader thread.</summary>
        public void Deliver(Frame frame)
        {
            if (frame.Kind == FrameKind.SharedRevoke)
            {
                Revoke(Marker.Read(frame.Reader()));
                return;
            }

            SharedReply reply = SharedReply.Read(frame.Reader(this));
            if (reply.CallId == 0)
            {
                // A posted call was refused (a put on a queue closed meanwhile): later ones fail here.
                _refused[reply.ObjectId] = reply.Message;
                return;
            }

            if (_pending.TryGetValue(reply.CallId, out PendingCall call))
            {
                if (call.LeaseOf != 0 && reply.Status == SharedStatus.Ok && ProcessSharedObject.IsTrue(reply.Value))
                {
                    // Recorded here, before any later frame, so that a revoke that follows the grant finds the lease.
                    LockLease lease = _leases.GetOrAdd(call.LeaseOf, _ => new LockLease());
                    lock (lease)
                    {
                        lease.Grant(call.Thread);
                    }
                }

                call.Complete(reply);
            }
        }

        /// <summary>
        /// Gives back every lease whose lock is not held now: called when a script or chunk has ended,
        /// so that a worker that ends next is not taken for a holder that died.
        /// </summary>
        public void ReturnIdleLeases()
        {
            foreach (var pair in _leases)
            {
                GiveBackIfIdle(pair.Key);
            }
        }

        /// <summary>The session asks for a lease back: at once if it is idle, else at a release soon.</summary>
        private void Revoke(long lockId)
        {
            if (!_leases.TryGetValue(lockId, out LockLease lease))
            {
                return;
            }

            int thread;
            lock (lease)
            {
                if (lease.Thread == 0)
                {
                    return;
                }

                if (lease.Held)
                {
                    lease.Revoked = true;
                    return;
                }

                thread = lease.Thread;
                lease.Thread = 0;
            }

            SendRelease(lockId, thread);
        }

        /// <summary>The pipeline is being stopped: every waiting call asks the session to withdraw it.</summary>
        public void Interrupt()
        {
            foreach (PendingCall call in _pending.Values)
            {
                call.Interrupt();
            }
        }

        private sealed class PendingCall
        {
            /// <summary>The lock this call acquires (0 for other calls): its grant starts a lease.</summary>
            public long LeaseOf { get; set; }

            public int Thread { get; set; }

            private SharedReply? _reply;
            private bool _interrupted;
            private bool _cancelSent;

            /// <summary>Waits for the reply; once interrupted, sends a cancel and still waits for the session's answer (the result, or Cancelled).</summary>
            public SharedReply Wait(Action cancel)
            {
                lock (this)
                {
                    while (!_reply.HasValue)
                    {
                        if (_interrupted && !_cancelSent)
                        {
                            _cancelSent = true;
                            cancel();
                        }

                        Monitor.Wait(this);
                    }

                    return _reply.Value;
                }
            }

            public void Complete(SharedReply reply)
            {
                lock (this)
                {
                    _reply = reply;
                    Monitor.PulseAll(this);
                }
            }

            public void Interrupt()
            {
                lock (this)
                {
                    _interrupted = true;
                    Monitor.PulseAll(this);
                }
            }
        }
    }
}
