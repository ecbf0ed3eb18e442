using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ProcCmdlets.Transport
{
    /// <summary>The Windows calls <see cref="WindowsChildProcess"/> makes: named pipes and CreateProcess.</summary>
    internal static class WindowsNative
    {
        private const uint PipeAccessInbound = 0x1;
        private const uint PipeAccessOutbound = 0x2;
        private const uint FileFlagFirstPipeInstance = 0x00080000;
        private const uint FileFlagOverlapped = 0x40000000;
        private const uint PipeRejectRemoteClients = 0x8;
        private const uint GenericRead = 0x80000000;
        private const uint GenericWrite = 0x40000000;
        private const uint FileReadAttributes = 0x80;
        private const uint FileWriteAttributes = 0x100;
        private const uint OpenExisting = 3;
        private const uint CreateSuspendedFlag = 0x4;
        private const uint CreateUnicodeEnvironment = 0x400;
        private const uint ExtendedStartupInfoPresent = 0x80000;
        private const uint CreateNoWindow = 0x08000000;
        private const int StartfUseStdHandles = 0x100;
        private static readonly IntPtr HandleListAttribute = (IntPtr)0x20002;

        /// <summary>
        /// The session's end of a new pipe named <paramref name="name"/>: overlapped, the only instance
        /// of its name (so nobody can have made it first), for local clients only.
        /// </summary>
        public static SafeFileHandle CreateServerPipe(string name, bool sessionWrites, int bufferBytes)
        {
            uint mode = (sessionWrites ? PipeAccessOutbound : PipeAccessInbound) | FileFlagOverlapped | FileFlagFirstPipeInstance;
            SafeFileHandle pipe = CreateNamedPipe(name, mode, PipeRejectRemoteClients, 1, (uint)bufferBytes, (uint)bufferBytes, 0, IntPtr.Zero);
            if (pipe.IsInvalid)
            {
                throw new Win32Exception();
            }

            return pipe;
        }

        /// <summary>
        /// The child's end of the pipe, opened at once, which takes the pipe's single instance: nobody
        /// else can connect to it after. Synchronous, as a console program expects, and inheritable.
        /// </summary>
        public static SafeFileHandle OpenClientPipe(string name, bool childWrites)
        {
            var inherit = new SecurityAttributes { Length = Marshal.SizeOf<SecurityAttributes>(), InheritHandle = 1 };
            uint access = childWrites ? GenericWrite | FileReadAttributes : GenericRead | FileWriteAttributes;
            SafeFileHandle pipe = CreateFile(name, access, 0, ref inherit, OpenExisting, 0, IntPtr.Zero);
            if (pipe.IsInvalid)
            {
                throw new Win32Exception();
            }

            return pipe;
        }

        /// <summary>Creates a suspended process that inherits exactly the three given handles as its standard streams.</summary>
        public static ProcessInformation CreateSuspended(char[] commandLine, IntPtr environment, string? workingDirectory, SafeFileHandle input, SafeFileHandle output, SafeFileHandle errors)
        {
            IntPtr handles = Marshal.AllocHGlobal(3 * IntPtr.Size);
            IntPtr list = IntPtr.Zero;
            try
            {
                Marshal.WriteIntPtr(handles, 0, input.DangerousGetHandle());
                Marshal.WriteIntPtr(handles, IntPtr.Size, output.DangerousGetHandle());
                Marshal.WriteIntPtr(handles, 2 * IntPtr.Size, errors.DangerousGetHandle());
                IntPtr size = IntPtr.Zero;
                InitializeProcThreadAttributeList(IntPtr.Zero, 1, 0, ref size);
                list = Marshal.AllocHGlobal(size);
                if (!InitializeProcThreadAttributeList(list, 1, 0, ref size))
                {
                    throw new Win32Exception();
                }

                if (!UpdateProcThreadAttribute(list, 0, HandleListAttribute, handles, (IntPtr)(3 * IntPtr.Size), IntPtr.Zero, IntPtr.Zero))
                {
                    var error = new Win32Exception();
                    DeleteProcThreadAttributeList(list);
                    throw error;
                }

                var startup = new StartupInfoEx { AttributeList = list };
                startup.StartupInfo.Size = Marshal.SizeOf<StartupInfoEx>();
                startup.StartupInfo.Flags = StartfUseStdHandles;
                startup.StartupInfo.StdInput = input.DangerousGetHandle();
                startup.StartupInfo.StdOutput = output.DangerousGetHandle();
                startup.StartupInfo.StdError = errors.DangerousGetHandle();
                uint flags = CreateSuspendedFlag | CreateUnicodeEnvironment | ExtendedStartupInfoPresent | CreateNoWindow;
                bool created = CreateProcess(null, commandLine, IntPtr.Zero, IntPtr.Zero, true, flags, environment, workingDirectory, ref startup, out ProcessInformation information);
                var failure = created ? null : new Win32Exception();
                DeleteProcThreadAttributeList(list);
                if (failure != null)
                {
                    throw failure;
                }

                return information;
            }
            finally
            {
                Marshal.FreeHGlobal(handles);
                if (list != IntPtr.Zero)
                {
                    Marshal.FreeHGlobal(list);
                }
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct ProcessInformation
        {
            public IntPtr Process;
            public IntPtr Thread;
            public int ProcessId;
            public int ThreadId;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct SecurityAttributes
        {
            public int Length;
            public IntPtr SecurityDescriptor;
            public int InheritHandle;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct StartupInfo
        {
            public int Size;
            public IntPtr Reserved;
            public IntPtr Desktop;
            public IntPtr Title;
            public int X;
            public int Y;
            public int XSize;
            public int YSize;
            public int XCountChars;
            public int YCountChars;
            public int FillAttribute;
            public int Flags;
            public short ShowWindow;
            public short Reserved2Size;
            public IntPtr Reserved2;
            public IntPtr StdInput;
            public IntPtr StdOutput;
            public IntPtr StdError;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct StartupInfoEx
        {
            public StartupInfo StartupInfo;
            public IntPtr AttributeList;
        }

        [DllImport("kernel32.dll")]
        public static extern int GetCurrentProcessId();

        [DllImport("kernel32.dll", SetLastError = true)]
        public static extern uint WaitForSingleObject(SafeWaitHandle handle, uint milliseconds);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool GetExitCodeProcess(SafeWaitHandle process, out int exitCode);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool TerminateProcess(SafeWaitHandle process, uint exitCode);

        [DllImport("kernel32.dll", SetLastError = true)]
        public static extern uint ResumeThread(IntPtr thread);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool CloseHandle(IntPtr handle);

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, EntryPoint = "CreateNamedPipeW")]
        private static extern SafeFileHandle CreateNamedPipe(string name, uint openMode, uint pipeMode, uint maxInstances, uint outBufferSize, uint inBufferSize, uint defaultTimeout, IntPtr securityAttributes);

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, EntryPoint = "CreateFileW")]
        private static extern SafeFileHandle CreateFile(string name, uint access, uint share, ref SecurityAttributes securityAttributes, uint creation, uint flags, IntPtr template);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool InitializeProcThreadAttributeList(IntPtr list, int count, int flags, ref IntPtr size);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool UpdateProcThreadAttribute(IntPtr list, uint flags, IntPtr attribute, IntPtr value, IntPtr size, IntPtr previousValue, IntPtr returnSize);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern void DeleteProcThreadAttributeList(IntPtr list);

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, EntryPoint = "CreateProcessW")]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CreateProcess(string? applicationName, [In, Out] char[] commandLine, IntPtr processAttributes, IntPtr threadAttributes, [MarshalAs(UnmanagedType.Bool)] bool inheritHandles, uint creationFlags, IntPtr environment, string? currentDirectory, ref StartupInfoEx startupInfo, out ProcessInformation processInformation);
    }
}
