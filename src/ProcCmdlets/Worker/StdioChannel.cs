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
                UseUtf8Console();
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
            DescriptorPlan plan = DescriptorPlan.For(ProcCmdlets.Channel.OSFamilies.Current);
            int channelIn = CopyToPrivate(0, plan);
            int channelOut = CopyToPrivate(1, plan);
            int devNull = Check(Unix.open("/dev/null", Unix.O_RDWR));
            Check(Unix.dup2(devNull, 0));
            Check(Unix.dup2(2, 1));
            _ = Unix.close(devNull);
            input = new FileStream(new SafeFileHandle((IntPtr)channelIn, true), FileAccess.Read, 1);
            output = new FileStream(new SafeFileHandle((IntPtr)channelOut, true), FileAccess.Write, 1);
        }

        /// <summary>A copy of <paramref name="fd"/> numbered 3 or above that child processes do not inherit.</summary>
        internal static int CopyToPrivate(int fd, DescriptorPlan plan)
        {
            if (plan.UseFcntlDupCloexec)
            {
                return Check(Unix.fcntl(fd, plan.FcntlDupCloexec, 3));
            }

            // dup gives the lowest free number; with 0 to 2 closed by the parent that could be one of
            // them, so copies below 3 are kept open until a higher one comes, then closed.
            var low = new System.Collections.Generic.List<int>();
            int copy = Check(Unix.dup(fd));
            while (copy < 3)
            {
                low.Add(copy);
                copy = Check(Unix.dup(fd));
            }

            foreach (int spare in low)
            {
                _ = Unix.close(spare);
            }

            Check(Unix.ioctl(copy, new UIntPtr(plan.Fioclex)));
            return copy;
        }

        /// <summary>
        /// Console text crosses to the session as UTF-8 (the session decodes the console pipe so):
        /// the console's code pages become UTF-8 for .NET and for the native programs a worker runs,
        /// which otherwise write in the OEM or ANSI code page.
        /// </summary>
        private static void UseUtf8Console()
        {
            try
            {
                var utf8 = new System.Text.UTF8Encoding(false);
                Console.OutputEncoding = utf8;
                Console.InputEncoding = utf8;
            }
            catch (Exception)
            {
                // No console (a detached worker): nothing decodes its code page then.
            }
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
            // Private copies that child processes do not inherit.
            CheckWin(Windows.DuplicateHandle(process, stdin, process, out IntPtr channelIn, 0, false, Windows.DUPLICATE_SAME_ACCESS));
            CheckWin(Windows.DuplicateHandle(process, stdout, process, out IntPtr channelOut, 0, false, Windows.DUPLICATE_SAME_ACCESS));

            // Standard input becomes the NUL device (a program reading it sees end of input at once,
            // where a NULL handle makes some fail), inheritable so that child processes get it too.
            var inherit = new Windows.SecurityAttributes { Length = Marshal.SizeOf<Windows.SecurityAttributes>(), InheritHandle = true };
            IntPtr nul = Windows.CreateFile("NUL", Windows.GENERIC_READ | Windows.GENERIC_WRITE, Windows.FILE_SHARE_READ | Windows.FILE_SHARE_WRITE, ref inherit, Windows.OPEN_EXISTING, 0, IntPtr.Zero);
            nul = nul == new IntPtr(-1) ? IntPtr.Zero : nul;

            // No handle to the channel is left where descriptors 0 and 1 or an inheriting child could
            // reach it; but a C runtime's descriptors keep their values valid, pointed at NUL and
            // standard error, rather than closed under them (CrtDescriptors). Its moves also set the
            // process's standard handles, so those are set after.
            if (!CrtDescriptors.Move(0, stdin, nul))
            {
                Windows.CloseHandle(stdin);
            }

            if (!CrtDescriptors.Move(1, stdout, stderr != IntPtr.Zero ? stderr : nul))
            {
                Windows.CloseHandle(stdout);
            }

            Windows.SetStdHandle(Windows.STD_INPUT_HANDLE, nul);
            Windows.SetStdHandle(Windows.STD_OUTPUT_HANDLE, stderr);
            input = new FileStream(new SafeFileHandle(channelIn, true), FileAccess.Read, 1);
            output = new FileStream(new SafeFileHandle(channelOut, true), FileAccess.Write, 1);
        }

        private static void CheckWin(bool ok)
        {
            if (!ok)
            {
                throw new IOException($"Moving the channel aside failed (error {Marshal.GetLastWin32Error()}).");
            }
        }

        /// <summary>True when the engine's host pipe was never opened (the bundled worker program).</summary>
        public static bool HostPipeLeftOut { get; set; }

        /// <summary>Ends the process at once, without running finalizers or waiting for threads.</summary>
        public static void HardExit(int code) => HardExit(code, endProgramGroup: false);

        /// <summary>As <see cref="HardExit(int)"/>; with <paramref name="endProgramGroup"/> the programs the worker started end too.</summary>
        public static void HardExit(int code, bool endProgramGroup)
        {
            if (!HostPipeLeftOut)
            {
                RemoveHostPipe();
            }

            if (endProgramGroup)
            {
                ProcessGroup.End();
            }

            try
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    // Environment.Exit would run ProcessExit handlers and, on .NET Framework, finalizers
                    // (up to 2 s) after the channel is flushed: a script's handler could still write,
                    // and Remove-WorkerProcess would wait for it. The process ends here instead.
                    Windows.TerminateProcess(Windows.GetCurrentProcess(), unchecked((uint)code));
                }
                else
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
            public const int O_RDWR = 2;

            // Declared with fixed arguments: only called where that matches the variadic convention (DescriptorPlan).
            [DllImport("libc", SetLastError = true)]
            public static extern int fcntl(int fd, int cmd, int arg);

            [DllImport("libc", SetLastError = true)]
            public static extern int dup(int fd);

            // Called only with requests that take no third argument.
            [DllImport("libc", SetLastError = true)]
            public static extern int ioctl(int fd, UIntPtr request);

            [DllImport("libc", SetLastError = true)]
            public static extern int dup2(int oldfd, int newfd);

            [DllImport("libc", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
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
            public const uint GENERIC_READ = 0x80000000;
            public const uint GENERIC_WRITE = 0x40000000;
            public const uint FILE_SHARE_READ = 1;
            public const uint FILE_SHARE_WRITE = 2;
            public const uint OPEN_EXISTING = 3;

            [StructLayout(LayoutKind.Sequential)]
            public struct SecurityAttributes
            {
                public int Length;
                public IntPtr SecurityDescriptor;
                [MarshalAs(UnmanagedType.Bool)]
                public bool InheritHandle;
            }

            [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, EntryPoint = "CreateFileW")]
            public static extern IntPtr CreateFile(string name, uint access, uint share, ref SecurityAttributes security, uint disposition, uint flags, IntPtr template);

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern IntPtr GetStdHandle(int which);

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern bool SetStdHandle(int which, IntPtr handle);

            [DllImport("kernel32.dll")]
            public static extern IntPtr GetCurrentProcess();

            [DllImport("kernel32.dll")]
            public static extern bool CloseHandle(IntPtr handle);

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern bool TerminateProcess(IntPtr process, uint exitCode);

            [DllImport("kernel32.dll", SetLastError = true)]
            public static extern bool DuplicateHandle(IntPtr sourceProcess, IntPtr source, IntPtr targetProcess, out IntPtr target, uint access, bool inherit, uint options);

        }
    }
}
