using System;
using System.Runtime.InteropServices;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The C runtime's descriptors 0 and 1 on Windows keep the handle values they started with, and
    /// native writers (printf, a library's log) use them without asking again. Closing those handles
    /// under them would let the next handle opened (a file, a pipe) take the same value and receive
    /// their writes. So a C runtime that holds the channel's original handles moves its own
    /// descriptors (0 to NUL, 1 to standard error), closing the originals itself.
    /// </summary>
    internal static class CrtDescriptors
    {
        private const int ReadOnly = 0;
        private const int WriteOnly = 1;

        /// <summary>
        /// Points descriptor <paramref name="fd"/> of the loaded C runtimes that hold
        /// <paramref name="original"/> at a copy of <paramref name="replacement"/>; true when one did
        /// (it then closed the original), false when the caller must close it.
        /// </summary>
        public static bool Move(int fd, IntPtr original, IntPtr replacement)
        {
            // The universal C runtime (.NET's and most programs'); msvcrt.dll is Windows' own, which
            // powershell.exe uses. When both hold the same value only the first closes it: a second
            // close could hit a handle that reused the value.
            if (GetModuleHandle("ucrtbase.dll") != IntPtr.Zero && Move(Ucrt.Instance, fd, original, replacement))
            {
                return true;
            }

            return GetModuleHandle("msvcrt.dll") != IntPtr.Zero && Move(Msvcrt.Instance, fd, original, replacement);
        }

        private static bool Move(ICrt crt, int fd, IntPtr original, IntPtr replacement)
        {
            try
            {
                if (crt.GetOsHandle(fd) != original || replacement == IntPtr.Zero)
                {
                    return false;
                }

                IntPtr process = GetCurrentProcess();
                if (!DuplicateHandle(process, replacement, process, out IntPtr copy, 0, false, 2))
                {
                    return false;
                }

                int spare = crt.OpenOsHandle(copy, fd == 0 ? ReadOnly : WriteOnly);
                if (spare < 0)
                {
                    CloseHandle(copy);
                    return false;
                }

                bool moved = crt.Dup2(spare, fd) == 0;
                crt.Close(spare);
                return moved;
            }
            catch (Exception)
            {
                // An entry point missing from this C runtime.
                return false;
            }
        }

        private interface ICrt
        {
            IntPtr GetOsHandle(int fd);

            int OpenOsHandle(IntPtr handle, int flags);

            int Dup2(int from, int to);

            int Close(int fd);
        }

        private sealed class Ucrt : ICrt
        {
            public static readonly Ucrt Instance = new Ucrt();

            public IntPtr GetOsHandle(int fd) => _get_osfhandle(fd);

            public int OpenOsHandle(IntPtr handle, int flags) => _open_osfhandle(handle, flags);

            public int Dup2(int from, int to) => _dup2(from, to);

            public int Close(int fd) => _close(fd);

            [DllImport("ucrtbase.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern IntPtr _get_osfhandle(int fd);

            [DllImport("ucrtbase.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern int _open_osfhandle(IntPtr handle, int flags);

            [DllImport("ucrtbase.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern int _dup2(int from, int to);

            [DllImport("ucrtbase.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern int _close(int fd);
        }

        private sealed class Msvcrt : ICrt
        {
            public static readonly Msvcrt Instance = new Msvcrt();

            public IntPtr GetOsHandle(int fd) => _get_osfhandle(fd);

            public int OpenOsHandle(IntPtr handle, int flags) => _open_osfhandle(handle, flags);

            public int Dup2(int from, int to) => _dup2(from, to);

            public int Close(int fd) => _close(fd);

            [DllImport("msvcrt.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern IntPtr _get_osfhandle(int fd);

            [DllImport("msvcrt.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern int _open_osfhandle(IntPtr handle, int flags);

            [DllImport("msvcrt.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern int _dup2(int from, int to);

            [DllImport("msvcrt.dll", CallingConvention = CallingConvention.Cdecl)]
            private static extern int _close(int fd);
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode)]
        private static extern IntPtr GetModuleHandle(string name);

        [DllImport("kernel32.dll")]
        private static extern IntPtr GetCurrentProcess();

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool DuplicateHandle(IntPtr sourceProcess, IntPtr source, IntPtr targetProcess, out IntPtr target, uint access, bool inherit, uint options);

        [DllImport("kernel32.dll")]
        private static extern bool CloseHandle(IntPtr handle);
    }
}
