using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// A Windows Job object holding one worker and every process it starts. It is made with
    /// JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: when its last handle closes (the worker link is done
    /// with it, or the session dies however it dies) Windows ends all of them. It also gives a kill
    /// of the whole tree on .NET Framework, which has no Process.Kill(bool).
    /// </summary>
    internal sealed class WindowsJob : IDisposable
    {
        private const int ExtendedLimitInformation = 9;
        private const uint KillOnJobClose = 0x2000;
        private readonly SafeJobHandle _job;

        private WindowsJob(SafeJobHandle job) => _job = job;

        /// <summary>A job holding the process; throws when Windows refuses.</summary>
        public static WindowsJob For(IntPtr processHandle)
        {
            SafeJobHandle job = CreateJobObject(IntPtr.Zero, null);
            if (job.IsInvalid)
            {
                throw new Win32Exception();
            }

            var limits = new ExtendedLimits { Basic = new BasicLimits { LimitFlags = KillOnJobClose } };
            int size = Marshal.SizeOf<ExtendedLimits>();
            if (!SetInformationJobObject(job, ExtendedLimitInformation, ref limits, size) || !AssignProcessToJobObject(job, processHandle))
            {
                var error = new Win32Exception();
                job.Dispose();
                throw error;
            }

            return new WindowsJob(job);
        }

        /// <summary>
        /// A job holding the process, or null where Windows refuses one (a session in a job that
        /// forbids nested jobs, before Windows 8): a kill then ends the worker alone.
        /// </summary>
        public static WindowsJob? TryFor(IntPtr processHandle)
        {
            try
            {
                return For(processHandle);
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Ends every process in the job at once, with the exit status .NET's Kill uses (-1).</summary>
        public void Kill()
        {
            if (!_job.IsClosed)
            {
                TerminateJobObject(_job, unchecked((uint)-1));
            }
        }

        public void Dispose() => _job.Dispose();

        [StructLayout(LayoutKind.Sequential)]
        private struct BasicLimits
        {
            public long PerProcessUserTimeLimit;
            public long PerJobUserTimeLimit;
            public uint LimitFlags;
            public UIntPtr MinimumWorkingSetSize;
            public UIntPtr MaximumWorkingSetSize;
            public uint ActiveProcessLimit;
            public UIntPtr Affinity;
            public uint PriorityClass;
            public uint SchedulingClass;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct IoCounters
        {
            public ulong ReadOperationCount;
            public ulong WriteOperationCount;
            public ulong OtherOperationCount;
            public ulong ReadTransferCount;
            public ulong WriteTransferCount;
            public ulong OtherTransferCount;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct ExtendedLimits
        {
            public BasicLimits Basic;
            public IoCounters Io;
            public UIntPtr ProcessMemoryLimit;
            public UIntPtr JobMemoryLimit;
            public UIntPtr PeakProcessMemoryUsed;
            public UIntPtr PeakJobMemoryUsed;
        }

        private sealed class SafeJobHandle : SafeHandleZeroOrMinusOneIsInvalid
        {
            public SafeJobHandle()
                : base(true)
            {
            }

            protected override bool ReleaseHandle() => CloseHandle(handle);
        }

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, EntryPoint = "CreateJobObjectW")]
        private static extern SafeJobHandle CreateJobObject(IntPtr attributes, string? name);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool SetInformationJobObject(SafeJobHandle job, int infoClass, ref ExtendedLimits info, int length);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool AssignProcessToJobObject(SafeJobHandle job, IntPtr process);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool TerminateJobObject(SafeJobHandle job, uint exitCode);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CloseHandle(IntPtr handle);
    }
}
