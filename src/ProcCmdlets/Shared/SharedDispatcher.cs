using System;
using System.Collections.Concurrent;
using System.Linq;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// Workers' calls on shared objects, taken from each worker's reader thread. A call runs at once
    /// (a few microseconds under the object's gate) or parks; the reader never waits. A worker
    /// reaches only the objects the session sent it. Once the session decides to end a worker, its
    /// parked calls are withdrawn and it is handed nothing more; when its channel has ended and its
    /// process has exited, the items it was sent and never acknowledged go back to their queues and
    /// what it held is released.
    /// The session has one, <see cref="Session"/>, given to each of its workers' clients.
    /// </summary>
    internal sealed class SharedDispatcher : ISharedFrames
    {
        private readonly ConcurrentDictionary<WorkerClient, SharedPeer> _peers = new ConcurrentDictionary<WorkerClient, SharedPeer>();
        private volatile bool _active;

        private SharedDispatcher()
        {
        }

        /// <summary>The session's dispatcher.</summary>
        public static SharedDispatcher Session { get; } = new SharedDispatcher();

        /// <summary>
        /// Starts taking workers' shared-object frames, once the session has a shared object; before,
        /// they are ignored, as the workers' owners ignore them.
        /// </summary>
        public void Activate() => _active = true;

        /// <inheritdoc/>
        public void OnFrame(WorkerClient client, Frame frame)
        {
            if (!_active)
            {
                return;
            }

            SharedPeer peer = _peers.GetOrAdd(client, c => new SharedPeer(c.Shared.Name) { Revoke = id => SendRevoke(c, id) });
            switch (frame.Kind)
            {
                case FrameKind.SharedCall:
                case FrameKind.SharedPost:
                    OnCall(client, peer, frame);
                    break;
                case FrameKind.SharedCancel:
                    long callId = Marker.Read(frame.Reader());
                    if (peer.Pending.TryGetValue(callId, out SharedRequest pending))
                    {
                        // Already answered: the reply is on its way and the worker takes it instead.
                        pending.ParkedIn?.Withdraw(pending);
                    }

                    break;
            }
        }

        private static void OnCall(WorkerClient client, SharedPeer peer, Frame frame)
        {
            SharedCall? call = ReadCall(client, frame);
            if (call == null)
            {
                return;
            }

            var request = new RemoteRequest(client, peer, call);
            if (!client.Shared.MayUse(call.ObjectId))
            {
                // Ids are random, so this is a forged or stale id, never a mistake of the worker's code.
                SharedWarnings.Add(SharedTable.Refusal(client, call.ObjectId));
                request.Finish(SharedResult.Failed($"This worker was not given shared object {call.ObjectId}."));
                return;
            }

            SharedState? state = SharedTable.Find(call.ObjectId);
            if (state == null)
            {
                request.Finish(SharedResult.Failed($"This session has no shared object {call.ObjectId}."));
                return;
            }

            if (call.Op == SharedOp.Ack || call.Op == SharedOp.Return)
            {
                long of = call.Args.Length > 0 && call.Args[0] is long id ? id : 0;
                SharedDelivery? returned = peer.Acknowledge(of);
                if (call.Op == SharedOp.Return && returned.HasValue)
                {
                    QueueState queue = returned.Value.Queue;
                    queue.Requeue(new[] { returned.Value.Item });
                    SharedWarnings.Add($"{queue.Name}: an item sent to {peer.Name} as its pipeline was being stopped is back at the head of the queue.");
                }

                return;
            }

            if (call.CallId == 0 && call.Op != SharedOp.Put && call.Op != SharedOp.Release)
            {
                // Only a put and a release are posted; any other call needs an id to be answered,
                // withdrawn or given back, and a worker that sends one without is not ours.
                SharedWarnings.Add($"A call {call.Op} of {peer.Name} without a call id was ignored.");
                return;
            }

            request.Target = state;
            if (call.CallId != 0)
            {
                peer.Pending[call.CallId] = request;
            }

            try
            {
                state.Invoke(request);
            }
            catch (Exception e)
            {
                request.Finish(SharedResult.Failed(e.Message));
            }

            if (call.CallId != 0 && client.Shared.IsCondemned)
            {
                // A worker being ended waits for nothing more (the condemnation's withdrawal may also
                // have missed this call). A call that ended at once stands: what it took from a queue
                // is lent until acknowledged, like any delivery, and a receipt it records is the
                // worker's last word.
                request.ParkedIn?.Withdraw(request);
            }
        }

        /// <summary>The call <paramref name="frame"/> holds, or null when it cannot be read (the worker is answered when its id can be).</summary>
        private static SharedCall? ReadCall(WorkerClient client, Frame frame)
        {
            try
            {
                return SharedCall.Read(frame.Reader(SessionResolver.Instance));
            }
            catch (Exception e) when (e is System.IO.InvalidDataException || e is ValueNotCarriedException)
            {
                // The call's id is unknown when its header cannot be read; a value that cannot be read
                // fails only its call, which the worker sees through the id read first.
                long callId = TryReadCallId(frame);
                if (callId != 0)
                {
                    var w = new PayloadWriter(64);
                    SharedReply.Write(w, callId, SharedStatus.Failed, null, "The call's arguments could not be read: " + e.Message, 0);
                    client.TryPost(FrameKind.SharedReply, w.ToArray());
                }

                return null;
            }
        }

        /// <summary>
        /// Records the session's decision to end <paramref name="client"/>: its parked calls are withdrawn
        /// before anything else it decided (a kill, an item's error) can be seen, so none of them can take
        /// an item meant for a worker that lives on.
        /// </summary>
        public void Condemn(WorkerClient client)
        {
            if (client.Shared.Condemn() && _peers.TryGetValue(client, out SharedPeer peer))
            {
                try
                {
                    WithdrawAll(peer);
                }
                catch (Exception)
                {
                    // Withdrawing calls must not keep the worker from being ended.
                }
            }
        }

        private static void WithdrawAll(SharedPeer peer)
        {
            foreach (SharedRequest request in peer.Pending.Values)
            {
                request.ParkedIn?.Withdraw(request);
            }
        }

        private static void SendRevoke(WorkerClient client, long objectId)
        {
            var w = new PayloadWriter(16);
            Marker.Write(w, objectId);
            client.TryPost(FrameKind.SharedRevoke, w.ToArray());
        }

        private static long TryReadCallId(Frame frame)
        {
            try
            {
                return SharedCall.ReadCallId(frame.Reader());
            }
            catch (System.IO.InvalidDataException)
            {
                return 0;
            }
        }

        /// <inheritdoc/>
        public void OnEnded(WorkerClient client)
        {
            try
            {
                Release(client);
            }
            catch (Exception)
            {
                // Releasing what the worker held must not keep its exit from being reported.
            }
        }

        private void Release(WorkerClient client)
        {
            if (!_peers.TryRemove(client, out SharedPeer peer))
            {
                return;
            }

            WithdrawAll(peer);
            peer.Pending.Clear();

            // Every frame the worker sent has been read, its acknowledgements too: what is left was never used.
            foreach (var sent in peer.TakeUnacknowledged().GroupBy(d => d.Queue))
            {
                object?[] items = sent.Select(d => d.Item).ToArray();
                sent.Key.Requeue(items);
                SharedWarnings.Add($"{sent.Key.Name}: {items.Length} item(s) sent to {peer.Name}, which ended before its code took them, are back at the head of the queue.");
            }

            foreach (SharedState state in SharedTable.All)
            {
                foreach (string warning in state.ReleaseHeldBy(peer))
                {
                    SharedWarnings.Add(warning);
                }
            }
        }
    }
}
