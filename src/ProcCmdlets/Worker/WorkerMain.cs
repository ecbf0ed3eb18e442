namespace ProcCmdlets.Worker
{
    /// <summary>The entry points of a worker process; the work is done by a <see cref="WorkerSession"/>.</summary>
    public static class WorkerMain
    {
        /// <summary>The worker loop inside a running PowerShell host (the pwsh bootstrap).</summary>
        public static int Run() => Run(engineStartsHere: false);

        /// <summary>
        /// The worker loop. <paramref name="engineStartsHere"/> is true in the bundled worker program,
        /// where no engine code has run yet, so the services the worker leaves out are never started.
        /// It returns only by ending the process.
        /// </summary>
        public static int Run(bool engineStartsHere) => Run(engineStartsHere, skipByteOrderMark: false);

        /// <summary>
        /// The worker loop; <paramref name="skipByteOrderMark"/> when the session's runtime may write
        /// a byte-order mark before the first frame (.NET Framework).
        /// </summary>
        public static int Run(bool engineStartsHere, bool skipByteOrderMark)
        {
            ModuleHome.Expose();
            Channel.DebugTrace.InWorker();
            return new WorkerSession { SkipByteOrderMark = skipByteOrderMark }.Run(engineStartsHere);
        }
    }
}
