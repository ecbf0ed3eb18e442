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

        /// <summary>A reader of the payload; a payload that may name shared objects is read with the reading side's <paramref name="sharedObjects"/>.</summary>
        public PayloadReader Reader(ISharedObjectResolver? sharedObjects = null) => new PayloadReader(Payload, sharedObjects);
    }
}
