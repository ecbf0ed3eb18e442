using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// The session's end of one worker: its channel over a transport's link, a reader that checks
    /// the worker's Hello and hands every later frame to the owner, a reader of its console text,
    /// and its exit. Both readers are asynchronous: while they wait for the worker they hold no
    /// thread, so a session's threads do not grow with its workers (where the link's handles are
    /// synchronous, <see cref="WorkerLink.ReadsBlock"/>, each reader has a thread of its own). Owners never block
    /// this reader for long: they decode, queue and return, and hold it only through
    /// <see cref="HoldReads"/>.
    /// </summary>
    internal sealed class WorkerClient : IDisposable
    {
        private static readonly TimeSpan ConsoleDrainLimit = TimeSpan.FromSeconds(5);

        private readonly WorkerLink _link;
        private readonly ISharedFrames? _shared;
        private readonly object _lock = new object();
        private readonly List<Frame> _early = new List<Frame>();
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();
        private readonly WorkerConsole _console;
        private Action<Frame>? _onFrame;
        private Action<string>? _onConsoleLine;
        private Action<WorkerClient>? _onExit;
        private int _disposed;
        private volatile string? _readFault;
        private Task? _hold;

        /// <summary>Starts reading the worker's channel and console.</summary>
        /// <param name="link">The transport's link to the started process.</param>
        /// <param name="shared">Where the worker's shared-object frames go; null where no shared object can reach the worker (they then go to the owner, which ignores them).</param>
        public WorkerClient(WorkerLink link, ISharedFrames? shared = null)
        {
            _link = link;
            _shared = shared;
            ProcessId = link.ProcessId;
            Location = link.Location;
            Shared = new SharedAccess(ProcessId, Location);
            Writer = new FrameWriter(link.ToWorker, "ProcCmdlets writer to worker " + link.ProcessId);
            _console = new WorkerConsole(link.Console, DeliverConsoleLine, $"ProcCmdlets console {link.ProcessId}", link.ReadsBlock);
            ReadLoops.Start(ReadLoop, $"ProcCmdlets reader {ProcessId}", link.ReadsBlock);
        }

        /// <summary>The worker's process id (on its host).</summary>
        public int ProcessId { get; }

        /// <summary>Where the worker runs (its host).</summary>
        public string Location { get; }

        /// <summary>The session's end of the channel to the worker.</summary>
        public FrameWriter Writer { get; }

        /// <summary>The transport's link, for what only that transport knows (a remote worker's ssh messages).</summary>
        public WorkerLink Link => _link;

        /// <summary>The worker's greeting, once it has arrived.</summary>
        public Hello? Hello { get; private set; }

        /// <summary>True once the worker has exited and its channel and console have been read to their end.</summary>
        public bool HasExited => _exited.IsSet;

        /// <summary>The worker's exit status once it has exited; null while it runs, or when the link cannot tell.</summary>
        public int? ExitCode { get; private set; }

        /// <summary>Why the channel failed: what the session found wrong in the worker's frames, or the worker in the session's (<see cref="WorkerFailure"/>); null when it did not.</summary>
        public string? ChannelFault => _readFault ?? (_console.WorkerFault == null ? null : "the worker process reported that " + _console.WorkerFault);

        /// <summary>The shared objects the worker was sent (docs/architecture.md, "Shared objects"), and whether it is being ended.</summary>
        public SharedAccess Shared { get; }

        /// <summary>Starts a worker on <paramref name="transport"/> in <paramref name="workingDirectory"/> (null: the transport's default).</summary>
        public static WorkerClient Start(IWorkerTransport transport, string? workingDirectory, ISharedFrames? shared) => new WorkerClient(transport.Start(workingDirectory), shared);

        /// <summary>The last lines the worker wrote to its console, for crash reports.</summary>
        public string ConsoleTail() => _console.Tail();

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

        /// <summary>Queues a frame whose payload is one marker; false when the channel is gone.</summary>
        public bool TrySend(FrameKind kind, long marker)
        {
            var payload = new PayloadWriter(16);
            Marker.Write(payload, marker);
            return TrySend(kind, payload);
        }

        /// <summary>
        /// Called while a frame of this worker is handed over (on its reader): no more of the worker's
        /// channel is read until <paramref name="until"/> completes, so that the pipe's (or ssh's) own
        /// flow control holds back what the worker sends. No thread waits meanwhile.
        /// </summary>
        public void HoldReads(Task until)
        {
            _hold = until;
        }

        /// <param name="blocking">Read and wait on the calling thread (a thread of the reader's own), never asynchronously.</param>
        private async Task ReadLoop(bool blocking)
        {
            try
            {
                var reader = new FrameReader(_link.FromWorker, _link.MaxFrameBytes);
                bool greeted = false;
                while (true)
                {
                    while (reader.TryTake(out Frame frame))
                    {
                        if (!greeted)
                        {
                            Hello = CheckGreeting(frame);
                            greeted = true;
                            continue;
                        }

                        SharedAccess.Reading = this;
                        try
                        {
                            Route(frame);
                        }
                        finally
                        {
                            SharedAccess.Reading = null;
                        }

                        Task? hold = _hold;
                        if (hold != null)
                        {
                            _hold = null;
                            if (blocking)
                            {
                                hold.Wait();
                            }

                            await hold.ConfigureAwait(false);
                        }
                    }

                    if (!(blocking ? reader.Fill() : await reader.FillAsync().ConfigureAwait(false)))
                    {
                        break;
                    }
                }
            }
            catch (Exception e)
            {
                // A corrupt channel cannot be trusted further: end the worker.
                _readFault = e.Message;
                Kill();
            }

            await AwaitExit().ConfigureAwait(false);
        }

        /// <summary>The worker's Hello, when it is one this session can use; <see cref="InvalidDataException"/> otherwise.</summary>
        private static Hello CheckGreeting(Frame first)
        {
            if (first.Kind != FrameKind.Hello)
            {
                throw new InvalidDataException($"The process did not greet as a ProcCmdlets worker (first frame {first.Kind}).");
            }

            Hello hello = Hello.Read(first.Reader());
            string? mismatch = hello.Mismatch();
            if (mismatch != null)
            {
                throw new InvalidDataException("The worker cannot be used: " + mismatch + ".");
            }

            return hello;
        }

        /// <summary>A frame after Hello: shared-object frames to the session's shared objects, the rest to the owner (kept until it attaches).</summary>
        private void Route(Frame frame)
        {
            DebugTrace.Received(ProcessId, frame.Kind, frame.Payload.Length);
            if ((byte)frame.Kind >= (byte)FrameKind.SharedCall && (byte)frame.Kind <= 55 && _shared != null)
            {
                _shared.OnFrame(this, frame);
                return;
            }

            Action<Frame>? handler;
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

        /// <summary>Once the channel has ended: waits for the process, releases what it held, waits for its last console text, then tells the owner.</summary>
        private async Task AwaitExit()
        {
            if (!_link.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                Kill();
                _link.WaitForExit(TimeSpan.FromSeconds(5));
            }

            // Released once the process is gone, not at the channel's end: a channel the session stopped
            // reading (a corrupt frame) ends before the kill lands, and the process may hold a lock till then.
            _shared?.OnEnded(this);

            // Console text written before the exit belongs to the worker's last item: read it first.
            await _console.WaitForEndAsync(ConsoleDrainLimit).ConfigureAwait(false);
            ExitCode = _link.ExitCode;
            Action<WorkerClient>? onExit;
            lock (_lock)
            {
                _exited.Set();
                onExit = _onExit;
            }

            NotifyExit(onExit);
        }

        private void NotifyExit(Action<WorkerClient>? onExit)
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

        /// <summary>
        /// Asks the worker to mark its console pipe; the returned event is set once the session has read
        /// everything the worker's programs wrote before (or the worker is gone).
        /// </summary>
        public ManualResetEventSlim RequestConsoleSync() => _console.RequestSync(token => TrySend(FrameKind.ConsoleSync, token));

        private void DeliverConsoleLine(string line)
        {
            Action<string>? handler;
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

        /// <summary>Waits for the worker's exit to be reported (see <see cref="HasExited"/>); false when <paramref name="timeout"/> passed first.</summary>
        public bool WaitForExit(TimeSpan timeout) => _exited.Wait(timeout);

        /// <summary>Kills the worker unless it has exited, and closes the channel.</summary>
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
                // The channel may already be broken; the worker is ended either way.
            }
        }
    }
}
