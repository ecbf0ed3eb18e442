namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Session to worker: how call <c>CallId</c> ended: <see cref="SharedStatus.Ok"/> and its value,
    /// or another status and a message. A reply with <c>CallId</c> 0 reports a call that asked for
    /// none (a posted put) failing; <c>ObjectId</c> then names the object.
    /// </summary>
    internal readonly struct SharedReply
    {
        public SharedReply(long callId, SharedStatus status, object? value, string? message, long objectId)
        {
            CallId = callId;
            Status = status;
            Value = value;
            Message = message;
            ObjectId = objectId;
        }

        public long CallId { get; }

        public SharedStatus Status { get; }

        public object? Value { get; }

        public string? Message { get; }

        public long ObjectId { get; }

        public static void Write(PayloadWriter w, long callId, SharedStatus status, object? value, string? message, long objectId)
        {
            w.WriteVarUInt((ulong)callId);
            w.WriteByte((byte)status);
            if (status == SharedStatus.Ok)
            {
                ValueCodec.Write(w, value);
            }
            else
            {
                w.WriteString(message ?? string.Empty);
            }

            w.WriteVarUInt((ulong)objectId);
        }

        public static SharedReply Read(PayloadReader r)
        {
            long callId = (long)r.ReadVarUInt();
            var status = (SharedStatus)r.ReadByte();
            object? value = null;
            string? message = null;
            if (status == SharedStatus.Ok)
            {
                value = ValueCodec.Read(r);
            }
            else
            {
                message = r.ReadString();
            }

            long objectId = r.AtEnd ? 0 : (long)r.ReadVarUInt();
            return new SharedReply(callId, status, value, message, objectId);
        }
    }
}
