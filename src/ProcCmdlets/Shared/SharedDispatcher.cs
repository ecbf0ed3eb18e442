using System;
using System.Collections.Concurrent;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// Workers' calls on shared objects, taken from each worker's reader thread. A call runs at once
    /// (a few microseconds under the object's gate) or parks; the reader never waits. When a
    /// worker's channel ends, its parked calls are withdrawn and what it held is released.
    /// </summary>
    internal static class SharedDispatcher
    {
        private static readonly ConcurrentDictionary<WorkerClient, SharedPeer> Peers = new ConcurrentDictionary<WorkerClient, SharedPeer>();

        public static void Install()
        {
            WorkerClient.SharedFrames = OnFrame;
            WorkerClient.SharedEnded = OnEnded;
        }

        private static void OnFrame(WorkerClient client, Frame frame)
        {
            SharedPeer peer = Peers.GetOrAdd(client, c => new SharedPeer($"worker process {c.ProcessId}") { Revoke = id => SendRevoke(c, id) });
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
            SharedCall call;
            try
            {
                call = SharedCall.Read(frame.Reader());
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

                return;
            }

            var request = new RemoteRequest(client, peer, call);
            SharedState state = SharedTable.Find(call.ObjectId);
            if (state == null)
            {
                request.Finish(SharedResult.Failed($"This session has no shared object {call.ObjectId}."));
                return;
            }

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

        private static void OnEnded(WorkerClient client)
        {
            if (!Peers.TryRemove(client, out SharedPeer peer))
            {
                return;
            }

            foreach (SharedRequest request in peer.Pending.Values)
            {
                request.ParkedIn?.Withdraw(request);
            }

            peer.Pending.Clear();
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
