using ProcCmdlets.Channel;

namespace ProcCmdlets.Pools
{
    /// <summary>What a worker's exit status says about how it ended.</summary>
    internal static class ExitStatus
    {
        /// <summary>
        /// The exit status .NET reports for a process that <c>Process.Kill</c>, <c>Stop-Process</c> or
        /// the module's Job object ended on Windows: TerminateProcess(-1) / TerminateJobObject(-1).
        /// </summary>
        public const int WindowsKilled = -1;

        /// <summary>STATUS_CONTROL_C_EXIT: the console's Ctrl+C or Ctrl+Break ended the process.</summary>
        public const int WindowsControlC = unchecked((int)0xC000013A);

        /// <summary>Killed from outside: not the worker's own failure to start.</summary>
        public static bool KilledFromOutside(int? exitCode) => KilledFromOutside(exitCode, OSFamilies.Current);

        /// <summary>
        /// On Unix .NET reports a process ended by a signal as 128 + the signal: SIGKILL (137) and
        /// SIGTERM (143) are someone else's doing (macOS numbers them the same).
        /// On Windows a kill is TerminateProcess with a status the killer chooses: -1 from .NET and
        /// the module, 0xC000013A from Ctrl+C. <c>taskkill /F</c> uses 1, which is also what pwsh
        /// returns when its bootstrap fails; 1 stays a failure, so a pool that cannot start workers
        /// still breaks rather than retrying for ever.
        /// </summary>
        public static bool KilledFromOutside(int? exitCode, OSFamily os)
        {
            if (!exitCode.HasValue)
            {
                return false;
            }

            int code = exitCode.Value;
            if (os == OSFamily.Windows)
            {
                return code == WindowsKilled || code == WindowsControlC;
            }

            return code == 137 || code == 143;
        }
    }
}
