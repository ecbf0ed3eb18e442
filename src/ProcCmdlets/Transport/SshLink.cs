using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// A worker on another host, behind a local <c>ssh</c> client: the channel is ssh's standard input
    /// and output, after the assembly the bootstrap loads. ssh's standard error carries both ssh's own
    /// messages and the remote worker's console text; the bootstrap writes a ready line between the
    /// two, so every line before it is ssh's (or the remote pwsh's, when it cannot start the worker).
    /// After it, the host writes what it likes on the same pipe: a line there that reads like one of
    /// ssh's may be ssh's (a lost connection) or the host's imitation, so it is kept prefixed as the
    /// host's (<see cref="HostWrote"/>), never shown as ssh's own.
    /// </summary>
    internal sealed class SshLink : WorkerLink, IHostLink
    {
        private const int MessageLimit = 50;

        // What ssh itself writes once a session is up (a lost connection, a closed one); never a worker's console text.
        private static readonly string[] SshLinePrefixes =
        {
            "ssh: ", "Connection to ", "Connection closed by ", "Timeout, server ", "client_loop: ",
            "Read from remote host ", "packet_write_wait: ", "Warning: ", "Transferred: ", "Bad packet length",
        };

        private readonly Process _process;
        private readonly SshTarget _target;
        private readonly BootstrapStream _toWorker;
        private readonly LineQueueReader _console = new LineQueueReader();
        private readonly List<string> _messages = new List<string>();
        private readonly ManualResetEventSlim _stderrDone = new ManualResetEventSlim();
        private readonly ManualResetEventSlim _readyOrGone = new ManualResetEventSlim();

        /// <summary>What a message kept after the ready line starts with: the host, not ssh, may have written it.</summary>
        public string HostWrote => _target.Location + " wrote: ";

        public SshLink(Process process, SshTarget target)
        {
            _process = process;
            _target = target;
            ProcessId = process.Id;
            _toWorker = new BootstrapStream(process.StandardInput.BaseStream, SshBootstrap.WriteImage);
            new Thread(ReadStandardError) { IsBackground = true, Name = $"ProcCmdlets ssh {ProcessId}" }.Start();
        }

        /// <summary>The local ssh client's process id: killing it ends the worker.</summary>
        public override int ProcessId { get; }

        public override string Location => _target.Location;

        public override Stream ToWorker => _toWorker;

        public override Stream FromWorker => _process.StandardOutput.BaseStream;

        public override TextReader Console => _console;

        /// <summary>A host is trusted less than the session's own processes (see docs/architecture.md, "The bytes between").</summary>
        public override int MaxFrameBytes => Channel.FrameReader.RemoteMaxFrameBytes;

        /// <summary>The worker's process id on its host, once the bootstrap said it runs.</summary>
        public int RemoteProcessId { get; private set; }

        /// <summary>The bootstrap started the worker loop.</summary>
        public bool IsReady { get; private set; }

        /// <summary>What ssh wrote (not the worker's console text), oldest first.</summary>
        public string[] Messages
        {
            get
            {
                lock (_messages)
                {
                    return _messages.ToArray();
                }
            }
        }

        /// <summary>The ssh client's redirected pipes are synchronous on Windows.</summary>
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

        /// <summary>Waits until the worker loop runs on the host (true) or ssh has ended (false).</summary>
        public bool WaitUntilReady(TimeSpan timeout, System.Threading.CancellationToken cancellation) => _readyOrGone.Wait(timeout, cancellation) && IsReady;

        /// <summary>Why the worker did not start (or the connection ended), in ssh's words.</summary>
        public string Failure() => SshFailure.Describe(Messages, ExitCode, _target.HostName, _target.PowerShellPath);

        public override void Kill()
        {
            try
            {
                _process.Kill();
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
                DateTime deadline = DateTime.UtcNow + timeout;
                if (!_process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(0, timeout.TotalMilliseconds))))
                {
                    return false;
                }

                TimeSpan left = deadline - DateTime.UtcNow;
                _stderrDone.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                return true;
            }
            catch (Exception)
            {
                return true;
            }
        }

        public override void Dispose()
        {
            try
            {
                _toWorker.Dispose();
            }
            catch (Exception)
            {
            }

            _process.Dispose();
            base.Dispose();
        }

        private void ReadStandardError()
        {
            try
            {
                TextReader reader = new BoundedLineReader(_process.StandardError);
                string line;
                while ((line = reader.ReadLine()) != null)
                {
                    if (!IsReady)
                    {
                        if (line.StartsWith(SshBootstrap.ReadyPrefix, StringComparison.Ordinal))
                        {
                            int.TryParse(line.Substring(SshBootstrap.ReadyPrefix.Length).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid);
                            RemoteProcessId = pid;
                            IsReady = true;
                            _readyOrGone.Set();
                        }
                        else
                        {
                            AddMessage(line);
                        }

                        continue;
                    }

                    if (IsSshLine(line))
                    {
                        AddMessage(HostWrote + line);
                    }
                    else
                    {
                        _console.Add(line);
                    }
                }
            }
            catch (Exception)
            {
            }
            finally
            {
                _console.Complete();
                _readyOrGone.Set();
                _stderrDone.Set();
            }
        }

        private void AddMessage(string line)
        {
            if (line.Length == 0)
            {
                return;
            }

            lock (_messages)
            {
                _messages.Add(line);
                if (_messages.Count > MessageLimit)
                {
                    _messages.RemoveAt(0);
                }
            }
        }

        private static bool IsSshLine(string line)
        {
            foreach (string prefix in SshLinePrefixes)
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
