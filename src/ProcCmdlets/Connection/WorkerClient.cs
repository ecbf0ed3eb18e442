using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// The session's end of one worker: its channel over a transport's link, a reader thread that
    /// checks the worker's Hello and hands every later frame to the owner, a thread that reads its
    /// console text, and its exit. Owners never block this reader for long: they decode, queue
    /// and return.
    /// </summary>
    internal sealed class WorkerClient : IDisposable
    {
        private const int ConsoleTailLines = 20;
        private static readonly TimeSpan ConsoleDrainLimit = TimeSpan.FromSeconds(5);

        private readonly WorkerLink _link;
        private readonly object _lock = new object();
        private readonly List<Frame> _early = new List<Frame>();
        private readonly Queue<string> _consoleTail = new Queue<string>();
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();
        private readonly ManualResetEventSlim _consoleDone = new ManualResetEventSlim();
        private readonly ConcurrentDictionary<long, ManualResetEventSlim> _consoleSyncs = new ConcurrentDictionary<long, ManualResetEventSlim>();
        private long _nextSyncToken = new Random().Next();
        private Action<Frame> _onFrame;
        private Action<string> _onConsoleLine;
        private Action<WorkerClient> _onExit;
        private int _disposed;
        private volatile string _readFault;
        private volatile string _workerFault;

        public WorkerClient(WorkerLink link)
        {
            _link = link;
            ProcessId = link.ProcessId;
            Location = link.Location;
            Shared = new SharedAccess(ProcessId, Location);
            Writer = new FrameWriter(link.ToWorker, "ProcCmdlets writer to worker " + link.ProcessId);
            new Thread(ReadLoop) { IsBackground = true, Name = $"ProcCmdlets reader {ProcessId}" }.Start();
            new Thread(ConsoleLoop) { IsBackground = true, Name = $"ProcCmdlets console {ProcessId}" }.Start();
        }

        public int ProcessId { get; }

        /// <summary>Where the worker runs (its host).</summary>
        public string Location { get; }

        public FrameWriter Writer { get; }

        /// <summary>The transport's link, for what only that transport knows (a remote worker's ssh messages).</summary>
        public WorkerLink Link => _link;

        /// <summary>The worker's greeting, once it has arrived.</summary>
        public Hello Hello { get; private set; }

        public bool HasExited => _exited.IsSet;

        public int? ExitCode { get; private set; }

        /// <summary>Why the channel failed: what the session found wrong in the worker's frames, or the worker in the session's (<see cref="WorkerFailure"/>).</summary>
        public string ChannelFault => _readFault ?? (_workerFault == null ? null : "the worker process reported that " + _workerFault);

        /// <summary>The shared objects the worker was sent (docs/architecture.md, "Shared objects"), and whether it is being ended.</summary>
        public SharedAccess Shared { get; }

        public static WorkerClient Start(IWorkerTransport transport, string workingDirectory) => new WorkerClient(transport.Start(workingDirectory));

        /// <summary>The last lines the worker wrote to its console, for crash reports.</summary>
        public string ConsoleTail()
        {
            lock (_consoleTail)
            {
                return string.Join(Environment.NewLine, _consoleTail);
            }
        }

        /// <summary>Routes frames (after Hello), console lines and the exit to an owner; frames that came first are replayed.</summary>
        public void Attach(Action<Frame> onFrame, Action<string> onConsoleLine, Action<WorkerClient> onExit)
        {
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
                NotifyExit(onExit);
            }
        }

        /// <summary>Queues a frame; false when the channel is gone. It blocks only when very much is queued already.</summary>
        public bool TrySend(FrameKind kind, PayloadWriter payload)
        {
            try
            {
                Shared.Grant(payload.Handles);
                Writer.Send(kind, payload);
                return true;
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException)
            {
                return false;
            }
        }

        /// <summary>Queues a frame without waiting for room (see <see cref="FrameWriter.Post"/>); false when the channel is gone.</summary>
        public bool TryPost(FrameKind kind, byte[] payload)
        {
            try
            {
                Shared.Grant(PayloadWriter.HandlesIn(payload));
                Writer.Post(kind, payload);
                return true;
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException)
            {
                return false;
            }
        }

        public bool TrySend(FrameKind kind, long marker)
        {
            var payload = new PayloadWriter(16);
            Marker.Write(payload, marker);
            return TrySend(kind, payload);
        }

        private void ReadLoop()
        {
            SharedAccess.Reading = this;
            try
            {
                var reader = new FrameReader(_link.FromWorker, _link.MaxFrameBytes);
                if (reader.TryRead(out Frame first))
                {
                    if (first.Kind != FrameKind.Hello)
                    {
                        throw new InvalidDataException($"The process did not greet as a ProcCmdlets worker (first frame {first.Kind}).");
                    }

                    Hello hello = Hello.Read(first.Reader());
                    string mismatch = hello.Mismatch();
                    if (mismatch != null)
                    {
                        throw new InvalidDataException("The worker cannot be used: " + mismatch + ".");
                    }

                    Hello = hello;
                }

                while (reader.TryRead(out Frame frame))
                {
                    DebugTrace.Received(ProcessId, frame.Kind, frame.Payload.Length);
                    if ((byte)frame.Kind >= (byte)FrameKind.SharedCall && (byte)frame.Kind <= 55 && SharedAccess.Frames != null)
                    {
                        SharedAccess.Frames(this, frame);
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
            catch (Exception e)
            {
                // A corrupt channel cannot be trusted further: end the worker.
                _readFault = e.Message;
                Kill();
            }

            try
            {
                SharedAccess.Ended?.Invoke(this);
            }
            catch (Exception)
            {
                // Releasing what the worker held must not keep its exit from being reported.
            }

            if (!_link.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                Kill();
                _link.WaitForExit(TimeSpan.FromSeconds(5));
            }

            // Console text written before the exit belongs to the worker's last item: read it first.
            _consoleDone.Wait(ConsoleDrainLimit);
            ExitCode = _link.ExitCode;
            Action<WorkerClient> onExit;
            lock (_lock)
            {
                _exited.Set();
                onExit = _onExit;
            }

            NotifyExit(onExit);
        }

        private void NotifyExit(Action<WorkerClient> onExit)
        {
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
                while ((line = _link.Console.ReadLine()) != null)
                {
                    // Text before a line of the module's own is a line the worker's programs left unfinished.
                    string marked = ModuleLine.Split(ref line, WorkerFailure.Prefix) ?? ModuleLine.Split(ref line, ConsoleSync.Prefix);
                    if (marked != null && line.Length > 0)
                    {
                        DeliverConsoleLine(line);
                    }

                    if (WorkerFailure.TryParse(marked ?? string.Empty, out string reason))
                    {
                        _workerFault = reason;
                    }
                    else if (ConsoleSync.TryParse(marked ?? string.Empty, out long token) && _consoleSyncs.TryRemove(token, out ManualResetEventSlim synced))
                    {
                        synced.Set();
                    }
                    else if (marked == null)
                    {
                        DeliverConsoleLine(line);
                    }
                }
            }
            catch (Exception)
            {
            }
            finally
            {
                // No more console text will come: nobody need wait for it.
                _consoleDone.Set();
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
            if (!TrySend(FrameKind.ConsoleSync, token) || _consoleDone.IsSet)
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
        public void CloseChannel() => Writer.Close();

        /// <summary>Kills the worker and the processes it started.</summary>
        public void Kill() => _link.Kill();

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
