namespace ProcCmdlets.Channel
{
    /// <summary>One frame as read: its kind and payload.</summary>
    internal readonly struct Frame
    {
        public Frame(FrameKind kind, byte[] payload)
        {
            Kind = kind;
            Payload = payload;
        }

        public FrameKind Kind { get; }

        public byte[] Payload { get; }

        public PayloadReader Reader() => new PayloadReader(Payload);
    }
}
