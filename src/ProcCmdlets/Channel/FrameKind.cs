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
        ConsoleSync = 9,

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

    /// <summary>
    /// The console side of the channel. Text a worker's programs write straight to the console travels
    /// on its own pipe, so it can arrive after the end of the item that wrote it. Asked with a
    /// ConsoleSync frame, a worker writes a marker line with the frame's token to that pipe; once the
    /// session has read the marker, it has read everything the worker's items wrote before.
    /// </summary>
    internal static class ConsoleSync
    {
        public const string Prefix = "\u0001ProcCmdlets console sync ";

        public static string Line(long token) => Prefix + token.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public static bool TryParse(string line, out long token)
        {
            token = 0;
            return line.StartsWith(Prefix, System.StringComparison.Ordinal)
                && long.TryParse(line.Substring(Prefix.Length), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out token);
        }
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
