using System;
using System.Diagnostics;
using System.IO;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Transport
{
    /// <summary>A worker that is a child process of the session.</summary>
    internal sealed class LocalProcessLink : WorkerLink
    {
        // Process.Kill(bool) exists from .NET Core 3.0 (on Unix it walks /proc or sysctl for the
        // children); the assembly targets netstandard2.0. Windows uses the worker's Job object. A
        // delegate, not MethodInfo.Invoke: under Wine an exception out of a reflected call's first
        // use leaves the runtime unable to collect garbage (README, the Windows lane).
        private static readonly Action<Process, bool>? KillTree =
            (Action<Process, bool>?)typeof(Process).GetMethod("Kill", new[] { typeof(bool) })?.CreateDelegate(typeof(Action<Process, bool>));

        private readonly Process _process;
        private readonly WindowsJob? _job;
        private TextReader? _console;

        public LocalProcessLink(Process process, string location, WindowsJob? job = null)
        {
            _process = process;
            _job = job;
            ProcessId = process.Id;
            Location = location;
        }

        public override int ProcessId { get; }

        public override string Location { get; }

        public override Stream ToWorker => _process.StandardInput.BaseStream;

        public override Stream FromWorker => _process.StandardOutput.BaseStream;

        public override TextReader Console => _console ?? (_console = new BoundedLineReader(_process.StandardError));

        /// <summary>A process's redirected pipes are synchronous on Windows.</summary>
        public override bool ReadsBlock => OSFamilies.Current == OSFamily.Windows;

        public override int? ExitCode
        {
            get
            {
                try
                {
                    return _process.HasExited ? _process.ExitCode : (int?)null;
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }
        }

        public override void Kill()
        {
            try
            {
                if (_job != null)
                {
                    _job.Kill();
                }
                else if (KillTree != null)
                {
                    if (!_process.HasExited)
                    {
                        UnixProcessGroup.Kill(ProcessId);
                    }

                    KillTree(_process, true);
                }
                else
                {
                    _process.Kill();
                }
            }
            catch (Exception)
            {
                // It has exited already.
            }
        }

        public override bool WaitForExit(TimeSpan timeout)
        {
            try
            {
                if (!_process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(0, timeout.TotalMilliseconds))))
                {
                    return false;
                }

                // The overload without a timeout also waits until the console has been read to its end.
                _process.WaitForExit();

                // Closing the job ends what the worker started and left running, as a kill would.
                _job?.Dispose();
                return true;
            }
            catch (Exception)
            {
                return true;
            }
        }

        public override void Dispose()
        {
            _job?.Dispose();
            _process.Dispose();
            base.Dispose();
        }
    }
}
