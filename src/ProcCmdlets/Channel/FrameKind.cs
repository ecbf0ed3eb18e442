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
        PauseRecords = 10,
        ResumeRecords = 11,

        // Worker to session.
        Hello = 32,
        Record = 33,
        ItemDone = 34,
        ChunkDone = 35,
        ScriptDone = 36,
        InitDone = 37,
        ChunkStarted = 39,
    }
}
