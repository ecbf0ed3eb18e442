namespace ProcCmdlets.Pools
{
    /// <summary>What a worker's exit status says about how it ended.</summary>
    internal static class ExitStatus
    {
        /// <summary>SIGKILL or SIGTERM from someone else: not the worker's own failure to start.</summary>
        public static bool KilledFromOutside(int? exitCode) => exitCode == 137 || exitCode == 143;
    }
}
