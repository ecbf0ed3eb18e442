using System;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Shared
{
    /// <summary>A worker's call: its result goes back as a SharedReply frame, queued without waiting (the writer's own thread sends it).</summary>
    internal sealed class RemoteRequest : SharedRequest
    {
        private readonly WorkerClient _client;

        public RemoteRequest(WorkerClient client, SharedPeer peer, SharedCall call)
            : base(new SharedCaller(peer, call.Caller), call.Op, call.Args,
                  call.TimeoutMilliseconds < 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(call.TimeoutMilliseconds))
        {
            _client = client;
            CallId = call.CallId;
            ObjectId = call.ObjectId;
        }

        public long CallId { get; }

        public long ObjectId { get; }

        /// <summary>The object called, once it was found.</summary>
        public SharedState? Target { get; set; }

        internal override bool CallerEnding => _client.Shared.IsCondemned;

        internal override bool Posted => CallId == 0;

        protected override void Deliver(SharedResult result)
        {
            if (CallId == 0)
            {
                if (result.Status != SharedStatus.Ok)
                {
                    // Nobody waits for a posted call: the worker learns of the refusal for its next one,
                    // and the session is told what was dropped.
                    SharedWarnings.Add($"A call {Op} of {Caller.Peer.Name} was refused: {result.Message}");
                    Send(result);
                }

                return;
            }

            Caller.Peer.Pending.TryRemove(CallId, out _);
            if (result.Status == SharedStatus.Ok && Op == SharedOp.Get && Target is QueueState queue)
            {
                // Until the worker's code acknowledges it, the item is only lent (docs/protocol.md, "Delivery").
                Caller.Peer.Delivered(new SharedDelivery(CallId, queue, result.Value));
            }

            Send(result);
        }

        private void Send(SharedResult result)
        {
            var w = new PayloadWriter(64);
            try
            {
                SharedReply.Write(w, CallId, result.Status, result.Value, result.Message, ObjectId);
            }
            catch (Exception e)
            {
                w.Reset();
                SharedReply.Write(w, CallId, SharedStatus.Failed, null, "The result could not be sent: " + e.Message, ObjectId);
            }

            _client.TryPost(FrameKind.SharedReply, w.ToArray());
        }
    }
}
