using System.Runtime.InteropServices;

namespace ProcCmdlets.Channel
{
    /// <summary>The operating systems whose process and pipe behaviour differs in ways the module cares about.</summary>
    internal enum OSFamily
    {
        Linux,
        MacOS,
        Windows,

        /// <summary>Another Unix (FreeBSD and the like): POSIX rules, its own constants.</summary>
        OtherUnix,
    }

    /// <summary>Which <see cref="OSFamily"/> this process runs on.</summary>
    internal static class OSFamilies
    {
        public static OSFamily Current { get; } = Detect();

        private static OSFamily Detect()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return OSFamily.Windows;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                return OSFamily.MacOS;
            }

            return RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? OSFamily.Linux : OSFamily.OtherUnix;
        }
    }
}
