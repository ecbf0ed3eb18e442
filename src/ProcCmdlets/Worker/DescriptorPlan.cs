using ProcCmdlets.Channel;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// How a Unix worker copies its channel descriptors to private ones (number 3 or above, closed on
    /// exec). Calls go through P/Invoke, which cannot call a C variadic function on every platform:
    /// on Apple Silicon a variadic argument goes on the stack, not in a register, so a
    /// <c>fcntl(fd, cmd, arg)</c> declared with three fixed ints passes garbage. Only where the
    /// variadic and fixed conventions agree for int arguments (Linux, on x64 and arm64) is
    /// <c>fcntl(F_DUPFD_CLOEXEC)</c> used; on macOS and other Unixes <c>dup</c> (fixed arguments) and then
    /// <c>ioctl(fd, FIOCLEX)</c>, which takes no third argument at all, so no variadic argument is
    /// passed. The gap between the two calls is harmless: nothing in the worker starts a process
    /// before the channel is moved.
    /// </summary>
    internal sealed class DescriptorPlan
    {
        private DescriptorPlan(bool useFcntl, int fcntlDupCloexec, ulong fioclex)
        {
            UseFcntlDupCloexec = useFcntl;
            FcntlDupCloexec = fcntlDupCloexec;
            Fioclex = fioclex;
        }

        /// <summary>True: <c>fcntl(fd, F_DUPFD_CLOEXEC, 3)</c>; false: <c>dup</c> until 3 or above, then <c>ioctl(FIOCLEX)</c>.</summary>
        public bool UseFcntlDupCloexec { get; }

        /// <summary>F_DUPFD_CLOEXEC: 1030 on Linux, 67 on macOS, 17 on FreeBSD.</summary>
        public int FcntlDupCloexec { get; }

        /// <summary>FIOCLEX: 0x5451 on Linux, _IO('f', 1) = 0x20006601 on macOS and the BSDs.</summary>
        public ulong Fioclex { get; }

        /// <summary>A plan from given constants (tests run the dup path on Linux with its own FIOCLEX).</summary>
        public static DescriptorPlan Create(bool useFcntlDupCloexec, int fcntlDupCloexec, ulong fioclex) =>
            new DescriptorPlan(useFcntlDupCloexec, fcntlDupCloexec, fioclex);

        /// <summary>The plan for an OS.</summary>
        public static DescriptorPlan For(OSFamily os)
        {
            switch (os)
            {
                case OSFamily.Linux:
                    // Linux's arm64 and x64 ABIs pass variadic ints as fixed ones.
                    return new DescriptorPlan(true, 1030, 0x5451);
                case OSFamily.MacOS:
                    return new DescriptorPlan(false, 67, 0x20006601);
                case OSFamily.OtherUnix:
                    return new DescriptorPlan(false, 17, 0x20006601);
                default:
                    throw new System.PlatformNotSupportedException("Windows moves handles, not descriptors.");
            }
        }
    }
}
