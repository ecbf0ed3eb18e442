using System.Runtime.InteropServices;

namespace ProcCmdlets.Channel
{
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
