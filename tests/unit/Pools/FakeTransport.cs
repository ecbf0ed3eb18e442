using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Shared;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>
    /// Starts fake workers: threads in this process that speak the channel over real pipes, so the
    /// pool's logic runs exactly as with processes. <see cref="Behaviour"/> decides what each item does.
    /// </summary>
    internal sealed class FakeTransport : IWorkerTransport
    {
        private int _nextProcessId = 100000;

        public FakeTransport(Func<object?, FakeOutcome> behaviour, Func<int, bool>? freezes = null)
        {
            Behaviour = behaviour;
            Freezes = freezes ?? (_ => false);
        }

        /// <summary>Which workers (by start number, from 1) stop answering as soon as they get a chunk, before starting it.</summary>
        public Func<int, bool> Freezes { get; }

        public Func<object?, FakeOutcome> Behaviour { get; }

        /// <summary>When set, a killed worker's channel ends only once this is set, as a process that takes long to die.</summary>
        public ManualResetEventSlim? DeathGate { get; set; }

        public ConcurrentQueue<FakeWorker> Started { get; } = new ConcurrentQueue<FakeWorker>();

        /// <summary>When set, workers from start number <see cref="GatedFrom"/> on say nothing and read nothing until it is set, as processes still starting.</summary>
        public ManualResetEventSlim? StartGate { get; set; }

        public int GatedFrom { get; set; } = int.MaxValue;

        public string Location => "fake";

        public WorkerLink Start(string? workingDirectory)
        {
            int id = Interlocked.Increment(ref _nextProcessId);
            var worker = new FakeWorker(id, Behaviour, Freezes(id - 100000), DeathGate, id - 100000 >= GatedFrom ? StartGate : null);
            Started.Enqueue(worker);
            return worker;
        }
    }

    /// <summary>One fake worker: its link (for the session) and its loop (a thread).</summary>
    internal sealed class FakeWorker : WorkerLink
    {
        private readonly AnonymousPipeServerStream _toWorker = new AnonymousPipeServerStream(PipeDirection.Out);
        private readonly AnonymousPipeServerStream _fromWorker = new AnonymousPipeServerStream(PipeDirection.In);
        private readonly AnonymousPipeClientStream _workerIn;
        private readonly AnonymousPipeClientStream _workerOut;
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();
        private readonly Func<object?, FakeOutcome> _behaviour;
        private readonly Dictionary<long, DefineTask> _tasks = new Dictionary<long, DefineTask>();
        private readonly bool _frozen;
        private readonly ManualResetEventSlim? _deathGate;
        private readonly Queue<Frame> _deferred = new Queue<Frame>();
        private readonly FrameReader _reader;
        private readonly ManualResetEventSlim? _startGate;
        private readonly FakeConsole _console;
        private long _nextCallId;
        private int? _exitCode;

        public FakeWorker(int processId, Func<object?, FakeOutcome> behaviour, bool frozen, ManualResetEventSlim? deathGate = null, ManualResetEventSlim? startGate = null)
        {
            ProcessId = processId;
            _deathGate = deathGate;
            _startGate = startGate;
            _console = new FakeConsole();
            _behaviour = behaviour;
            _frozen = frozen;
            _workerIn = new AnonymousPipeClientStream(PipeDirection.In, _toWorker.ClientSafePipeHandle);
            _reader = new FrameReader(_workerIn);
            _workerOut = new AnonymousPipeClientStream(PipeDirection.Out, _fromWorker.ClientSafePipeHandle);
            new Thread(Loop) { IsBackground = true, Name = "fake worker " + processId }.Start();
        }

        public override int ProcessId { get; }

        public override string Location => "fake";

        public override Stream ToWorker => _toWorker;

        public override Stream FromWorker => _fromWorker;

        public override TextReader Console => _console;

        public override int? ExitCode => _exitCode;

        /// <summary>Items this worker finished, in order.</summary>
        public List<object?> Ran { get; } = new List<object?>();

        public int Chunks { get; private set; }

        /// <summary>The kinds of the frames it was sent, in order.</summary>
        public ConcurrentQueue<FrameKind> Received { get; } = new ConcurrentQueue<FrameKind>();

        /// <summary>Set when the session asked for the kill.</summary>
        public ManualResetEventSlim KillRequested { get; } = new ManualResetEventSlim();

        public override void Kill()
        {
            KillRequested.Set();
            if (_deathGate == null)
            {
                Exit(137);
                return;
            }

            new Thread(() =>
            {
                try
                {
                    _deathGate.Wait();
                }
                catch (ObjectDisposedException)
                {
                    // The test was done with the gate (set, then disposed) before this thread ran.
                }

                Exit(137);
            }) { IsBackground = true }.Start();
        }

        public override bool WaitForExit(TimeSpan timeout) => _exited.Wait(timeout);

        private void Exit(int code)
        {
            lock (_exited)
            {
                if (_exited.IsSet)
                {
                    return;
                }

                _exitCode = code;

                // As the kernel does for a dead process: the session reads the end of its channel. The
                // worker's own input is left to its thread (closing a pipe another thread reads from blocks).
                try
                {
                    _workerOut.Dispose();
                }
                catch (Exception)
                {
                }

                _exited.Set();
                _console.End();
            }
        }

        private void Send(FrameKind kind, Action<PayloadWriter> write)
        {
            var w = new PayloadWriter();
            write(w);
            var frame = new byte[5 + w.Length];
            BitConverter.GetBytes((uint)(w.Length + 1)).CopyTo(frame, 0);
            frame[4] = (byte)kind;
            Buffer.BlockCopy(w.Buffer, 0, frame, 5, w.Length);
            lock (_exited)
            {
                if (!_exited.IsSet)
                {
                    _workerOut.Write(frame, 0, frame.Length);
                    _workerOut.Flush();
                }
            }
        }

        private void Loop()
        {
            try
            {
                _startGate?.Wait();
                Send(FrameKind.Hello, Hello.ForThisProcess("fake", ProcessId).Write);
                while (NextFrame(out Frame frame))
                {
                    // The fake worker runs in the session's process: its items' shared objects are the session's own.
                    PayloadReader r = frame.Reader(SessionResolver.Instance);
                    Received.Enqueue(frame.Kind);
                    switch (frame.Kind)
                    {
                        case FrameKind.PoolInit:
                            Send(FrameKind.InitDone, w => InitDone.Write(w, true));
                            break;
                        case FrameKind.ConsoleSync:
                            _console.Add(ConsoleSync.Line(Marker.Read(r)));
                            break;
                        case FrameKind.DefineTask:
                            DefineTask task = DefineTask.Read(r);
                            _tasks[task.Id] = task;
                            break;
                        case FrameKind.RunChunk:
                            if (!RunChunk(ProcCmdlets.Channel.Protocol.RunChunk.Read(r)))
                            {
                                return;
                            }

                            break;
                    }
                }

                Exit(0);
            }
            catch (Exception)
            {
                Exit(1);
            }
        }

        private bool NextFrame(out Frame frame)
        {
            if (_deferred.Count > 0)
            {
                frame = _deferred.Dequeue();
                return true;
            }

            return _reader.TryRead(out frame);
        }

        /// <summary>Makes the outcome's shared-object calls; the last reply (its value, or its status and message), or null when parked.</summary>
        private object? CallShared(FakeOutcome outcome)
        {
            object? last = null;
            for (int n = 0; n < outcome.Calls; n++)
            {
                long callId = ++_nextCallId;
                Send(FrameKind.SharedCall, w => SharedCall.Write(w, callId, outcome.CallObject, outcome.CallOp, 1, -1, null));
                if (outcome.Park)
                {
                    return null;
                }

                SharedReply reply;
                while (true)
                {
                    if (!_reader.TryRead(out Frame frame))
                    {
                        throw new EndOfStreamException();
                    }

                    if (frame.Kind != FrameKind.SharedReply)
                    {
                        _deferred.Enqueue(frame);
                        continue;
                    }

                    reply = SharedReply.Read(frame.Reader());
                    if (reply.CallId == callId)
                    {
                        break;
                    }
                }

                last = reply.Status == SharedStatus.Ok ? reply.Value : $"{reply.Status}: {reply.Message}";
                if ((outcome.Acknowledge || outcome.GiveBack) && reply.Status == SharedStatus.Ok)
                {
                    SharedOp op = outcome.GiveBack ? SharedOp.Return : SharedOp.Ack;
                    Send(FrameKind.SharedPost, w => SharedCall.Write(w, 0, outcome.CallObject, op, 1, -1, new object[] { callId }));
                }
            }

            return last;
        }

        private bool RunChunk(RunChunk chunk)
        {
            if (!_tasks.ContainsKey(chunk.TaskId))
            {
                throw new InvalidDataException("A chunk of an undefined task.");
            }

            Chunks++;
            if (_frozen)
            {
                _exited.Wait();
                return false;
            }

            Send(FrameKind.ChunkStarted, w => Marker.Write(w, chunk.ChunkId));

            // Items that do nothing but answer go back as a run in one Results frame, as a worker's
            // writer joins them; anything else first sends the run so far.
            var run = new PayloadWriter();
            void SendRun()
            {
                if (run.Length > 0)
                {
                    Send(FrameKind.Results, w =>
                    {
                        w.WriteVarUInt((ulong)chunk.ChunkId);
                        w.WriteRaw(run.ToArray());
                    });
                    run.Reset();
                }
            }

            for (int i = 0; i < chunk.Items.Length; i++)
            {
                FakeOutcome outcome = _behaviour(chunk.Items[i]);
                if (outcome.CallObject != 0 || outcome.DelayMilliseconds > 0 || outcome.Hang || outcome.Crash || outcome.CorruptFrame || outcome.MalformedResults)
                {
                    SendRun();
                }

                if (outcome.CallObject != 0)
                {
                    outcome.Output = CallShared(outcome) ?? outcome.Output;
                }

                if (outcome.DelayMilliseconds > 0)
                {
                    Thread.Sleep(outcome.DelayMilliseconds);
                }

                if (outcome.Hang)
                {
                    _exited.Wait();
                    return false;
                }

                if (outcome.Crash)
                {
                    Exit(1);
                    return false;
                }

                if (outcome.CorruptFrame)
                {
                    lock (_exited)
                    {
                        _workerOut.Write(new byte[] { 0, 0, 0, 0, (byte)FrameKind.Record }, 0, 5);
                        _workerOut.Flush();
                    }

                    _exited.Wait();
                    return false;
                }

                if (outcome.MalformedResults)
                {
                    int item = i;
                    Send(FrameKind.Results, w =>
                    {
                        w.WriteVarUInt((ulong)chunk.ChunkId);
                        w.WriteByte(9);
                        w.WriteVarInt(item);
                    });
                    _exited.Wait();
                    return false;
                }

                var value = new PayloadWriter();
                if (outcome.Undecodable)
                {
                    value.WriteByte(0xEE);
                }
                else
                {
                    ValueCodec.Write(value, outcome.Output);
                }

                ResultEntry.WriteOutputPrefix(run, i, value.Length);
                run.WriteRaw(value.ToArray());
                lock (Ran)
                {
                    Ran.Add(chunk.Items[i]);
                }

                ResultEntry.WriteDone(run, i);
            }

            SendRun();
            Send(FrameKind.ChunkDone, w => Marker.Write(w, chunk.ChunkId));
            return true;
        }

        /// <summary>A console that writes only the answers to console syncs, as a worker does when its items print nothing, and ends when the worker exits.</summary>
        private sealed class FakeConsole : TextReader
        {
            private readonly Queue<string> _lines = new Queue<string>();
            private bool _ended;

            public void Add(string line)
            {
                lock (_lines)
                {
                    _lines.Enqueue(line);
                    Monitor.PulseAll(_lines);
                }
            }

            public void End()
            {
                lock (_lines)
                {
                    _ended = true;
                    Monitor.PulseAll(_lines);
                }
            }

            public override string? ReadLine()
            {
                lock (_lines)
                {
                    while (_lines.Count == 0 && !_ended)
                    {
                        Monitor.Wait(_lines);
                    }

                    return _lines.Count > 0 ? _lines.Dequeue() : null;
                }
            }
        }
    }
}
