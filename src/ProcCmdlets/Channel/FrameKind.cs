namespace ProcCmdlets.Channel
{
    /// <summary>The kind byte that follows each frame's length prefix.</summary>
    internal enum FrameKind : byte
    {
        // Session to worker.
        RunScript = 1,
        Input = 2,
        InputEnd = 3,
        PoolInit = 4,
        DefineTask = 5,
        RunChunk = 6,
        StopPipeline = 7,
        DropTask = 8,

        // Worker to session.
        Ready = 32,
        Record = 33,
        ItemDone = 34,
        ChunkDone = 35,
        ScriptDone = 36,
        InitDone = 37,
        Fatal = 38,
        ChunkStarted = 39,
    }

    /// <summary>Which stream a record frame belongs to.</summary>
    internal enum StreamKind : byte
    {
        Output = 0,
        Error = 1,
        Warning = 2,
        Verbose = 3,
        Debug = 4,
        Information = 5,
        Progress = 6,
    }

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
