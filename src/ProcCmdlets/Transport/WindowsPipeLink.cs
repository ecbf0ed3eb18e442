using System;
using System.IO;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>A local worker on Windows started by <see cref="WindowsChildProcess"/>: its channel and console are read without a thread of their own.</summary>
    internal sealed class WindowsPipeLink : WorkerLink
    {
        private readonly WindowsChildProcess _process;

        public WindowsPipeLink(WindowsChildProcess process, string location)
        {
            _process = process;
            Location = location;
            Console = new BoundedLineReader(new StreamReader(process.Errors, new UTF8Encoding(false), false, 4096));
        }

        public override int ProcessId => _process.Id;

        public override string Location { get; }

        public override Stream ToWorker => _process.Input;

        public override Stream FromWorker => _process.Output;

        public override TextReader Console { get; }

        public override int? ExitCode => _process.ExitCode;

        public override void Kill()
        {
            try
            {
                if (_process.Job != null)
                {
                    _process.Job.Kill();
                }
                else
                {
                    _process.Terminate();
                }
            }
            catch (Exception)
            {
                // It has exited already.
            }
        }

        public override bool WaitForExit(TimeSpan timeout)
        {
            if (!_process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(0, timeout.TotalMilliseconds))))
            {
                return false;
            }

            // Closing the job ends what the worker started and left running, as a kill would.
            _process.Job?.Dispose();
            return true;
        }

        public override void Dispose()
        {
            _process.Job?.Dispose();
            _process.Dispose();
            base.Dispose();
        }
    }
}
