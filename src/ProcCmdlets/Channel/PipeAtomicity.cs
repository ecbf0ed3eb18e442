namespace ProcCmdlets.Channel
{
    /// <summary>
    /// How many bytes one write to a pipe puts in it whole, so that a writer killed during a write
    /// never leaves half a piece behind.
    /// </summary>
    internal static class PipeAtomicity
    {
        /// <summary>
        /// POSIX promises that a write of at most PIPE_BUF bytes is not interleaved or torn: 4,096 on
        /// Linux, 512 on macOS and the BSDs (their limits.h). Windows promises nothing for anonymous
        /// pipes (a WriteFile into a full pipe can complete partly when the writer dies), so there the
        /// writer still writes whole frames under a small cap, which keeps the window small, and
        /// relies on the session's frame-level recovery: a torn last frame reads as the end of the
        /// channel and the crash is blamed as any other worker death.
        /// </summary>
        public static int WholeWriteBytes(OSFamily os)
        {
            switch (os)
            {
                case OSFamily.Linux:
                    return 4096;
                case OSFamily.Windows:
                    return 4096;
                default:
                    return 512;
            }
        }

        /// <summary>True when the operating system itself promises that such writes are never torn.</summary>
        public static bool Guaranteed(OSFamily os) => os != OSFamily.Windows;
    }
}
