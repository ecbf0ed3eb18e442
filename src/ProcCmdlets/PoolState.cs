namespace ProcCmdlets
{
    /// <summary>The states of a process pool.</summary>
    public enum PoolState
    {
        Running,
        Closed,
        Terminated,
    }
}
