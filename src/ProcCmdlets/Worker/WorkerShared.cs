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
        private readonly ConcurrentDictionary<long, SharedCallWait> _pending = new ConcurrentDictionary<long, SharedCallWait>();
        private readonly ConcurrentDictionary<long, ProcessSharedObject> _proxies = new ConcurrentDictionary<long, ProcessSharedObject>();
        private readonly ConcurrentDictionary<long, LockLease> _leases = new ConcurrentDictionary<long, LockLease>();
        private readonly ConcurrentDictionary<long, string?> _refused = new ConcurrentDictionary<long, string?>();
        private long _nextCallId;
        private volatile bool _stopping;

        [ThreadStatic]
        private static PayloadWriter? s_payload;

        public WorkerShared(FrameWriter writer)
        {
            _writer = writer;
        }

        public object Resolve(SharedHandle handle) =>
            _proxies.GetOrAdd(handle.Id, id => SharedKinds.Create(handle.Kind, id, handle.Capacity, this)
                ?? throw new System.IO.InvalidDataException($"Unknown shared object kind {handle.Kind}."));

        public object? Call(ProcessSharedObject target, SharedOp op, TimeSpan? timeout, object?[] args)
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
            var call = new SharedCallWait { LeaseOf = target is ProcessLock && op == SharedOp.Acquire ? target.Id : 0, Thread = thread };
            _pending[callId] = call;
            try
            {
                Send(FrameKind.SharedCall, callId, target, op, thread, timeout, args);

                // With the fence in Interrupt: the stop sees this call, or this call sees the stop.
                Interlocked.MemoryBarrier();
                if (_stopping)
                {
                    // Made after the stop's look at the waiting calls (a finally block, or code the stop
                    // has not reached yet): it would wait for good, so it asks to be withdrawn at once.
                    call.Interrupt();
                }

                SharedReply reply = call.Wait(() => SendCancel(callId));
                if (call.CancelSent && reply.Status == SharedStatus.Ok)
                {
                    GiveBack(target, op, callId, thread, reply);
                }

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

        /// <summary>
        /// The call was answered after it asked to be withdrawn, so the pipeline is stopping and its
        /// code will never use the answer: an item goes back to the head of its queue, a lock or a
        /// semaphore slot is released, and the call ends as the stop ends the code.
        /// </summary>
        private void GiveBack(ProcessSharedObject target, SharedOp op, long callId, int thread, SharedReply reply)
        {
            if (op == SharedOp.Get && target is ProcessQueue)
            {
                Post(FrameKind.SharedPost, target.Id, SharedOp.Return, thread, new object[] { callId });
            }
            else if (op == SharedOp.Acquire && ProcessSharedObject.IsTrue(reply.Value))
            {
                if (target is ProcessLock && _leases.TryGetValue(target.Id, out LockLease lease))
                {
                    lock (lease)
                    {
                        if (lease.Thread == thread)
                        {
                            lease.Held = false;
                            lease.Thread = 0;
                        }
                    }
                }

                Post(FrameKind.SharedCall, target.Id, SharedOp.Release, thread, null);
            }
            else
            {
                return;
            }

            throw new PipelineStoppedException();
        }

        /// <summary>Sends a call that waits for no reply (call id 0); a closed channel is ignored, as the session then releases all.</summary>
        private void Post(FrameKind kind, long objectId, SharedOp op, int thread, object?[]? args)
        {
            var w = new PayloadWriter(32);
            SharedCall.Write(w, 0, objectId, op, thread, -1, args);
            try
            {
                _writer.Send(kind, w);
            }
            catch (Exception e) when (e is System.IO.IOException || e is ObjectDisposedException)
            {
            }
        }

        private void Send(FrameKind kind, long callId, ProcessSharedObject target, SharedOp op, int thread, TimeSpan? timeout, object?[] args)
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
        private void SendRelease(long lockId, int thread) => Post(FrameKind.SharedCall, lockId, SharedOp.Release, thread, null);

        /// <summary>Tells the session that the code has the item of Get call <paramref name="callId"/>: it is no longer returned to the queue if this worker ends.</summary>
        private void SendAck(long queueId, long callId, int thread) => Post(FrameKind.SharedPost, queueId, SharedOp.Ack, thread, new object[] { callId });

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

            if (_pending.TryGetValue(reply.CallId, out SharedCallWait call))
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
            LockLease lease = _leases.GetOrAdd(lockId, _ => new LockLease());

            int thread;
            lock (lease)
            {
                if (lease.Thread == 0)
                {
                    lease.RevokedBeforeGrant = true;
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

        /// <summary>
        /// Whether the running pipeline is being stopped: set before <see cref="Interrupt"/> looks at
        /// the waiting calls and cleared when the pipeline ends, so that a call made in between (after
        /// that look) asks to be withdrawn too.
        /// </summary>
        public bool Stopping
        {
            set => _stopping = value;
        }

        /// <summary>The pipeline is being stopped: every waiting call asks the session to withdraw it.</summary>
        public void Interrupt()
        {
            Interlocked.MemoryBarrier();
            foreach (SharedCallWait call in _pending.Values)
            {
                call.Interrupt();
            }
        }
    }
}
