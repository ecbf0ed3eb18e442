using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The worker's channel arrives as its standard input and output. Before any user code runs,
    /// both are moved to private descriptors that child processes do not inherit; standard input
    /// becomes the null device and standard output joins standard error, so that text written to
    /// the console, by .NET or by native programs, can never reach the channel.
    /// </summary>
    internal static class StdioChannel
    {
        public static void Take(out Stream input, out Stream output)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                TakeWindows(out input, out output);
            }
            else
            {
                TakeUnix(out input, out output);
            }

            Console.SetIn(TextReader.Null);
            Console.SetOut(new StreamWriter(Console.OpenStandardError()) { AutoFlush = true });
        }

        private static void TakeUnix(out Stream input, out Stream output)
        {
            int channelIn = Check(Unix.fcntl(0, Unix.F_DUPFD_CLOEXEC, 3));
            int channelOut = Check(Unix.fcntl(1, Unix.F_DUPFD_CLOEXEC, 3));
            int devNull = Check(Unix.open("/dev/null", Unix.O_RDWR));
            Check(Unix.dup2(devNull, 0));
            Check(Unix.dup2(2, 1));
            Unix.close(devNull);
            input = new FileStream(new SafeFileHandle((IntPtr)channelIn, true), FileAccess.Read, 1);
            output = new FileStream(new SafeFileHandle((IntPtr)channelOut, true), FileAccess.Write, 1);
        }

        private static int Check(int result)
        {
            if (result < 0)
            {
                throw new IOException($"Moving the channel aside failed (errno {Marshal.GetLastWin32Error()}).");
            }

            return result;
        }

        private static void TakeWindows(out Stream input, out Stream output)
        {
            IntPtr stdin = Windows.GetStdHandle(Windows.STD_INPUT_HANDLE);
            IntPtr stdout = Windows.GetStdHandle(Windows.STD_OUTPUT_HANDLE);
            IntPtr stderr = Windows.GetStdHandle(Windows.STD_ERROR_HANDLE);
            IntPtr process = Windows.GetCurrentProcess();
            Windows.DuplicateHandle(process, stdin, process, out IntPtr channelIn, 0, false, Windows.DUPLICATE_SAME_ACCESS);
            Windows.DuplicateHandle(process, stdout, process, out IntPtr channelOut, 0, false, Windows.DUPLICATE_SAME_ACCESS);
            Windows.SetHandleInformation(stdin, Windows.HANDLE_FLAG_INHERIT, 0);
            Windows.SetHandleInformation(stdout, Windows.HANDLE_FLAG_INHERIT, 0);
            Windows.SetStdHandle(Windows.STD_INPUT_HANDLE, IntPtr.Zero);
            Windows.SetStdHandle(Windows.STD_OUTPUT_HANDLE, stderr);
            input = new FileStream(new SafeFileHandle(channelIn, true), FileAccess.Read, 1);
            output = new FileStream(new SafeFileHandle(channelOut, true), FileAccess.Write, 1);
        }

        /// <summary>True when the engine's host pipe was never opened (the bundled worker program).</summary>
        public static bool HostPipeLeftOut { get; set; }

        /// <summary>Ends the process at once, without running finalizers or waiting for threads.</summary>
        public static void HardExit(int code)
        {
            if (!HostPipeLeftOut)
            {
                RemoveHostPipe();
            }

            try
            {
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    Unix._exit(code);
                }
            }
            catch (Exception)
            {
            }

            Environment.Exit(code);
        }

        /// <summary>
        /// The engine listens on a named pipe for Enter-PSHostProcess; an exit that skips the runtime's
        /// shutdown leaves its socket file behind, so it is removed here.
        /// </summary>
        private static void RemoveHostPipe()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            try
            {
                int pid = System.Diagnostics.Process.GetCurrentProcess().Id;
                foreach (string file in Directory.GetFiles(Path.GetTempPath(), "CoreFxPipe_PSHost.*." + pid + ".*"))
                {
                    File.Delete(file);
                }
            }
            catch (Exception)
            {
            }
        }

        private static class Unix
        {
            public const int F_DUPFD_CLOEXEC = 1030;
            public const int O_RDWR = 2;

            [DllImport("libc", SetLastError = true)]
            public static extern int fcntl(int fd, int cmd, int arg);

            [DllImport("libc", SetLastError = true)]
            public static extern int dup2(int oldfd, int newfd);

            [DllImport("libc", SetLastError = true)]
            public static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

            [DllImport("libc", SetLastError = true)]
            public static extern int close(int fd);

            [DllImport("libc")]
            public static extern void _exit(int code);
        }

        private static class Windows
        {
            public const int STD_INPUT_HANDLE = -10;
            public const int STD_OUTPUT_HANDLE = -11;
            public const int STD_ERROR_HANDLE = -12;
            public const uint DUPLICATE_SAME_ACCESS = 2;
            public const uint HANDLE_FLAG_INHERIT = 1;

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern IntPtr GetStdHandle(int which);

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern bool SetStdHandle(int which, IntPtr handle);

            [DllImport("kernel32.dll")]
            public static extern IntPtr GetCurrentProcess();

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern bool DuplicateHandle(IntPtr sourceProcess, IntPtr source, IntPtr targetProcess, out IntPtr target, uint access, bool inherit, uint options);

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern bool SetHandleInformation(IntPtr handle, uint mask, uint flags);
        }
    }
}
