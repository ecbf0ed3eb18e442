namespace ProcCmdlets.Channel
{
    /// <summary>One frame between the session and a host agent, as read: its kind, the worker it is for, and its payload.</summary>
    internal readonly struct AgentFrame
    {
        public AgentFrame(AgentFrameKind kind, uint worker, byte[] payload)
        {
            Kind = kind;
            Worker = worker;
            Payload = payload;
        }

        public AgentFrameKind Kind { get; }

        /// <summary>The worker's number on its connection (1, 2, ... in the order the session asked for them); 0 for the connection itself.</summary>
        public uint Worker { get; }

        public byte[] Payload { get; }

        /// <summary>The payload's first four bytes as a little-endian integer (Ack, Consumed, Started, Exited).</summary>
        public int Int32()
        {
            if (Payload.Length != 4)
            {
                throw new System.IO.InvalidDataException($"A {Kind} frame carries {Payload.Length} bytes instead of 4.");
            }

            return Payload[0] | Payload[1] << 8 | Payload[2] << 16 | Payload[3] << 24;
        }
    }
}
