using System;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Worker to session: a call on a shared object. <c>CallId</c> 0 asks for no reply (a put on an
    /// unbounded queue, a holder's release); <c>Caller</c> is the calling thread in the worker, so
    /// that a lock is held by one thread; <c>TimeoutMilliseconds</c> is -1 for none.
    /// </summary>
    internal sealed class SharedCall
    {
        private static readonly object?[] NoArgs = Array.Empty<object?>();

        public long CallId { get; private set; }

        public long ObjectId { get; private set; }

        public SharedOp Op { get; private set; }

        public long Caller { get; private set; }

        public int TimeoutMilliseconds { get; private set; }

        public object?[] Args { get; private set; } = NoArgs;

        public static void Write(PayloadWriter w, long callId, long objectId, SharedOp op, long caller, int timeoutMilliseconds, object?[]? args)
        {
            w.WriteVarUInt((ulong)callId);
            w.WriteVarUInt((ulong)objectId);
            w.WriteByte((byte)op);
            w.WriteVarInt(caller);
            w.WriteVarInt(timeoutMilliseconds);
            w.WriteVarUInt((ulong)(args?.Length ?? 0));
            if (args != null)
            {
                foreach (object? arg in args)
                {
                    ValueCodec.Write(w, arg);
                }
            }
        }

        /// <summary>Only the call id, which comes first: what can still be answered when the rest cannot be read.</summary>
        public static long ReadCallId(PayloadReader r) => (long)r.ReadVarUInt();

        public static SharedCall Read(PayloadReader r)
        {
            var call = new SharedCall
            {
                CallId = (long)r.ReadVarUInt(),
                ObjectId = (long)r.ReadVarUInt(),
                Op = (SharedOp)r.ReadByte(),
                Caller = r.ReadVarInt(),
                TimeoutMilliseconds = (int)Math.Max(-1, Math.Min(int.MaxValue, r.ReadVarInt())),
            };
            int count = r.ReadCount();
            if (count > r.Remaining)
            {
                throw new System.IO.InvalidDataException("A shared-object call declares more arguments than its frame holds.");
            }

            object?[] args = count == 0 ? NoArgs : new object?[count];
            for (int i = 0; i < count; i++)
            {
                args[i] = ValueCodec.Read(r);
            }

            call.Args = args;
            return call;
        }
    }
}
