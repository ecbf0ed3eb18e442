using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// A process started on Windows with its standard input, output and error on pipes whose
    /// session ends are overlapped: their reads and writes complete on the I/O completion port, so
    /// no thread waits for the worker (Process.Start's pipes are synchronous, and a pending read on
    /// one holds a thread). Each pipe is a single-instance named pipe under a random name that
    /// refuses remote clients, connected by the session before the process starts (what libuv and
    /// Python's multiprocessing do on Windows). The process starts suspended, joins its Job object,
    /// then runs; it inherits the three pipe ends and nothing else.
    /// </summary>
    internal sealed class WindowsChildProcess : IDisposable
    {
        private const int PipeBytes = 64 << 10;
        private readonly SafeWaitHandle _process;

        private WindowsChildProcess(SafeWaitHandle process, int id, WindowsJob? job, Stream input, Stream output, Stream errors)
        {
            _process = process;
            Id = id;
            Job = job;
            Input = input;
            Output = output;
            Errors = errors;
        }

        public int Id { get; }

        /// <summary>The Job object holding the process and what it starts; null where Windows refused one.</summary>
        public WindowsJob? Job { get; }

        /// <summary>The process's standard input (written asynchronously).</summary>
        public Stream Input { get; }

        /// <summary>The process's standard output (read asynchronously).</summary>
        public Stream Output { get; }

        /// <summary>The process's standard error (read asynchronously).</summary>
        public Stream Errors { get; }

        /// <summary>Its exit status once it has exited, else null.</summary>
        public int? ExitCode
        {
            get
            {
                try
                {
                    return WindowsNative.WaitForSingleObject(_process, 0) == 0 && WindowsNative.GetExitCodeProcess(_process, out int code) ? code : (int?)null;
                }
                catch (ObjectDisposedException)
                {
                    return null;
                }
            }
        }

        /// <summary>
        /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> (already quoted), in
        /// <paramref name="workingDirectory"/> (null: the session's), with the session's environment
        /// and <paramref name="environment"/> added.
        /// </summary>
        public static WindowsChildProcess Start(string fileName, string arguments, string? workingDirectory, IReadOnlyCollection<(string Name, string Value)> environment)
        {
            var opened = new List<IDisposable>();
            IntPtr block = IntPtr.Zero;
            try
            {
                // Each stream owns its end from here on: disposing it closes the handle.
                var input = new FileStream(Pipe(true, opened, out SafeFileHandle childInput), FileAccess.Write, 1, true);
                opened.Add(input);
                var output = new FileStream(Pipe(false, opened, out SafeFileHandle childOutput), FileAccess.Read, 1, true);
                opened.Add(output);
                var errors = new FileStream(Pipe(false, opened, out SafeFileHandle childErrors), FileAccess.Read, 1, true);
                opened.Add(errors);
                block = EnvironmentBlock(environment);
                // CreateProcessW may write to its command line: a buffer of its own, ending in a null.
                char[] commandLine = (CommandLine(fileName, arguments) + "\0").ToCharArray();
                WindowsNative.ProcessInformation created = WindowsNative.CreateSuspended(commandLine, block, workingDirectory, childInput, childOutput, childErrors);

                // The child has its own copies now; the session's would keep its output open after it exits.
                childInput.Dispose();
                childOutput.Dispose();
                childErrors.Dispose();
                var process = new SafeWaitHandle(created.Process, true);
                opened.Add(process);
                WindowsJob? job = WindowsJob.TryFor(created.Process);
                var failure = WindowsNative.ResumeThread(created.Thread) == uint.MaxValue ? new Win32Exception() : null;
                WindowsNative.CloseHandle(created.Thread);
                if (failure != null)
                {
                    WindowsNative.TerminateProcess(process, unchecked((uint)-1));
                    job?.Dispose();
                    throw failure;
                }

                opened.Clear();
                return new WindowsChildProcess(process, created.ProcessId, job, input, output, errors);
            }
            finally
            {
                foreach (IDisposable handle in opened)
                {
                    handle.Dispose();
                }

                if (block != IntPtr.Zero)
                {
                    Marshal.FreeHGlobal(block);
                }
            }
        }

        /// <summary>Waits up to <paramref name="milliseconds"/> for the process to exit; true once it has.</summary>
        public bool WaitForExit(int milliseconds)
        {
            try
            {
                return WindowsNative.WaitForSingleObject(_process, (uint)Math.Max(0, milliseconds)) == 0;
            }
            catch (ObjectDisposedException)
            {
                // Disposed: nothing is left to wait for.
                return true;
            }
        }

        /// <summary>Ends the process at once, with the exit status .NET's Kill uses (-1).</summary>
        public void Terminate()
        {
            if (!_process.IsClosed)
            {
                WindowsNative.TerminateProcess(_process, unchecked((uint)-1));
            }
        }

        public void Dispose()
        {
            Input.Dispose();
            Output.Dispose();
            Errors.Dispose();
            _process.Dispose();
        }

        /// <summary>
        /// One pipe: the session's end (overlapped) is returned, the child's (synchronous, inheritable)
        /// is <paramref name="child"/>; both are added to <paramref name="opened"/> until handed over.
        /// </summary>
        private static SafeFileHandle Pipe(bool sessionWrites, List<IDisposable> opened, out SafeFileHandle child)
        {
            string name = @"\\.\pipe\ProcCmdlets-" + WindowsNative.GetCurrentProcessId() + "-" + Guid.NewGuid().ToString("N");
            SafeFileHandle session = WindowsNative.CreateServerPipe(name, sessionWrites, PipeBytes);
            opened.Add(session);
            child = WindowsNative.OpenClientPipe(name, !sessionWrites);
            opened.Add(child);
            DebugTrace.Write("worker start: pipe {0}", name);
            return session;
        }

        /// <summary>The command line CreateProcess gets: the program's path quoted, then its arguments (already quoted by <c>Transport/CommandLine.cs</c>).</summary>
        internal static string CommandLine(string fileName, string arguments) =>
            "\"" + fileName + "\"" + (arguments.Length > 0 ? " " + arguments : string.Empty);

        /// <summary>The session's environment with <paramref name="added"/> set, as CreateProcess takes it; zero (inherit it unchanged) when nothing is added.</summary>
        private static IntPtr EnvironmentBlock(IReadOnlyCollection<(string Name, string Value)> added) =>
            added.Count == 0 ? IntPtr.Zero : Marshal.StringToHGlobalUni(EnvironmentText(Environment.GetEnvironmentVariables(), added));

        /// <summary>
        /// <paramref name="variables"/> with <paramref name="added"/> set (names compared without regard
        /// to case, as Windows does), sorted by name as Windows keeps a block: "name=value" each ended by
        /// a null, and a null after the last.
        /// </summary>
        internal static string EnvironmentText(IDictionary variables, IReadOnlyCollection<(string Name, string Value)> added)
        {
            var merged = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in variables)
            {
                merged[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
            }

            foreach (var (name, value) in added)
            {
                merged[name] = value;
            }

            var block = new StringBuilder();
            foreach (KeyValuePair<string, string> variable in merged)
            {
                block.Append(variable.Key).Append('=').Append(variable.Value).Append('\0');
            }

            return block.Append('\0').ToString();
        }
    }
}
