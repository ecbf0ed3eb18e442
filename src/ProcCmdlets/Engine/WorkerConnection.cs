using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Threading;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Engine
{
    /// <summary>
    /// The session's end of one worker process: its channel, a reader thread that hands frames to
    /// the owner, a thread that drains its console output, and its exit.
    /// </summary>
    internal sealed class WorkerConnection : IDisposable
    {
        private const int ConsoleTailLines = 20;
        private static readonly MethodInfo KillTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

        private readonly Process _process;
        private readonly object _lock = new object();
        private readonly List<Frame> _early = new List<Frame>();
        private readonly Queue<string> _consoleTail = new Queue<string>();
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ManualResetEventSlim> _consoleSyncs =
            new System.Collections.Concurrent.ConcurrentDictionary<long, ManualResetEventSlim>();
        private long _nextSyncToken = new Random().Next();
        private volatile bool _consoleEnded;
        private Action<Frame> _onFrame;
        private Action<string> _onConsoleLine;
        private Action<WorkerConnection> _onExit;
        private int _disposed;

        private WorkerConnection(Process process)
        {
            _process = process;
            ProcessId = process.Id;
            Writer = new FrameWriter(process.StandardInput.BaseStream);
            new Thread(ReadLoop) { IsBackground = true, Name = $"ProcCmdlets reader {ProcessId}" }.Start();
            new Thread(ConsoleLoop) { IsBackground = true, Name = $"ProcCmdlets console {ProcessId}" }.Start();
        }

        public int ProcessId { get; }

        public FrameWriter Writer { get; }

        public bool HasExited => _exited.IsSet;

        public int? ExitCode { get; private set; }

        /// <summary>Why the channel failed, when it was not a plain end of stream.</summary>
        public string ChannelFault { get; private set; }

        public static WorkerConnection Start(string workingDirectory)
        {
            var process = new Process { StartInfo = WorkerLauncher.CreateStartInfo(workingDirectory) };
            process.Start();
            return new WorkerConnection(process);
        }

        /// <summary>The last lines the worker wrote to its console, for crash reports.</summary>
        public string ConsoleTail()
        {
            lock (_consoleTail)
            {
                return string.Join(Environment.NewLine, _consoleTail);
            }
        }

        /// <summary>Routes frames (other than Ready), console lines and the exit to an owner; frames that came first are replayed.</summary>
        public void Attach(Action<Frame> onFrame, Action<string> onConsoleLine, Action<WorkerConnection> onExit)
        {
            onExit = Guarded(onExit);
            List<Frame> early;
            bool exited;
            lock (_lock)
            {
                _onFrame = onFrame;
                _onConsoleLine = onConsoleLine;
                _onExit = onExit;
                early = new List<Frame>(_early);
                _early.Clear();
                exited = _exited.IsSet;
            }

            foreach (Frame frame in early)
            {
                onFrame(frame);
            }

            if (exited)
            {
                onExit?.Invoke(this);
            }
        }

        public bool TrySend(FrameKind kind, PayloadWriter payload)
        {
            try
            {
                Writer.Send(kind, payload);
                return true;
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException)
            {
                return false;
            }
        }

        private static Action<WorkerConnection> Guarded(Action<WorkerConnection> onExit) =>
            onExit == null ? null : c =>
            {
                try
                {
                    onExit(c);
                }
                catch (Exception)
                {
                }
            };

        private void ReadLoop()
        {
            try
            {
                var reader = new FrameReader(_process.StandardOutput.BaseStream);
                while (reader.TryRead(out Frame frame))
                {
                    if (frame.Kind == FrameKind.Ready)
                    {
                        // It carries the worker's pid and engine version, which the session already knows.
                        continue;
                    }

                    Action<Frame> handler;
                    lock (_lock)
                    {
                        handler = _onFrame;
                        if (handler == null)
                        {
                            _early.Add(frame);
                        }
                    }

                    handler?.Invoke(frame);
                }
            }
            catch (InvalidDataException e)
            {
                // A corrupt channel cannot be trusted further: end the worker.
                ChannelFault = e.Message;
                Kill();
            }
            catch (Exception e)
            {
                ChannelFault = e.Message;
                Kill();
            }

            if (!_process.WaitForExit(5000))
            {
                Kill();
                _process.WaitForExit(5000);
            }

            try
            {
                // Also waits until the console output has been read to its end.
                _process.WaitForExit();
                ExitCode = _process.ExitCode;
            }
            catch (Exception)
            {
            }

            Action<WorkerConnection> onExit;
            lock (_lock)
            {
                _exited.Set();
                onExit = _onExit;
            }

            try
            {
                onExit?.Invoke(this);
            }
            catch (Exception)
            {
                // An owner's failure must never take the session down with it.
            }
        }

        private void ConsoleLoop()
        {
            try
            {
                string line;
                while ((line = _process.StandardError.ReadLine()) != null)
                {
                    int marker = line.IndexOf(ConsoleSync.Prefix, StringComparison.Ordinal);
                    if (marker >= 0 && ConsoleSync.TryParse(line.Substring(marker), out long token)
                        && _consoleSyncs.TryRemove(token, out ManualResetEventSlim synced))
                    {
                        // Text before the marker is a line the worker's programs left unfinished.
                        line = line.Substring(0, marker);
                        if (line.Length > 0)
                        {
                            DeliverConsoleLine(line);
                        }

                        synced.Set();
                        continue;
                    }

                    DeliverConsoleLine(line);
                }
            }
            catch (Exception)
            {
            }
            finally
            {
                // No more console text will come: nobody need wait for it.
                _consoleEnded = true;
                foreach (long token in _consoleSyncs.Keys)
                {
                    if (_consoleSyncs.TryRemove(token, out ManualResetEventSlim pending))
                    {
                        pending.Set();
                    }
                }
            }
        }

        /// <summary>
        /// Asks the worker to mark its console pipe; the returned event is set once the session has read
        /// everything the worker's programs wrote before (or the worker is gone).
        /// </summary>
        public ManualResetEventSlim RequestConsoleSync()
        {
            var synced = new ManualResetEventSlim();
            long token = Interlocked.Increment(ref _nextSyncToken);
            _consoleSyncs[token] = synced;
            var payload = new PayloadWriter();
            payload.WriteVarUInt((ulong)token);
            if (!TrySend(FrameKind.ConsoleSync, payload) || _consoleEnded)
            {
                _consoleSyncs.TryRemove(token, out _);
                synced.Set();
            }

            return synced;
        }

        private void DeliverConsoleLine(string line)
        {
            lock (_consoleTail)
            {
                _consoleTail.Enqueue(line);
                if (_consoleTail.Count > ConsoleTailLines)
                {
                    _consoleTail.Dequeue();
                }
            }

            Action<string> handler;
            lock (_lock)
            {
                handler = _onConsoleLine;
            }

            handler?.Invoke(line);
        }

        /// <summary>Closes the session's end of the channel; the worker exits when it notices.</summary>
        public void CloseChannel() => Writer.Dispose();

        /// <summary>Kills the worker and the processes it started.</summary>
        public void Kill()
        {
            try
            {
                if (KillTree != null)
                {
                    KillTree.Invoke(_process, new object[] { true });
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

        public bool WaitForExit(TimeSpan timeout) => _exited.Wait(timeout);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            if (!HasExited)
            {
                Kill();
            }

            try
            {
                Writer.Dispose();
            }
            catch (Exception)
            {
            }
        }
    }
}
