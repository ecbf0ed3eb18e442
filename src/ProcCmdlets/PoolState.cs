namespace ProcCmdlets
{
    /// <summary>The states of a process pool.</summary>
    public enum PoolState
    {
        /// <summary>Its workers take new maps and applies.</summary>
        Running,
        /// <summary>Closed: it took no new work, finished what it had, and its workers exited [close()].</summary>
        Closed,
        /// <summary>Terminated: its workers were killed [terminate()].</summary>
        Terminated,
    }
}
