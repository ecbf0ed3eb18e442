namespace ProcCmdlets.Channel
{
    /// <summary>The kind byte that follows each frame's length prefix; docs/protocol.md gives each kind's layout.</summary>
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
        ConsoleSync = 9,

        // Session to worker: back-pressure (docs/protocol.md, "Back-pressure").
        PauseRecords = 10,
        ResumeRecords = 11,

        // Session to worker: the session's functions and modules (docs/protocol.md).
        DefineCode = 12,

        // Session to worker: shapes of the input items' rows (docs/protocol.md, "Row shapes").
        InputShapes = 13,

        // Session to worker: shared objects (docs/protocol.md, "Shared objects").
        SharedReply = 16,
        SharedRevoke = 17,

        // Worker to session.
        Hello = 32,
        Record = 33,
        ItemDone = 34,
        ChunkDone = 35,
        ScriptDone = 36,
        InitDone = 37,
        Shapes = 38,
        ChunkStarted = 39,

        // Worker to session: a run of a chunk's output values and item ends (docs/protocol.md).
        Results = 40,

        // Worker to session: shared objects (docs/protocol.md, "Shared objects").
        SharedCall = 48,
        SharedCancel = 49,
        SharedPost = 50,
    }
}
