namespace ProcCmdlets.Channel
{
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
}
