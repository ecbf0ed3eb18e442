using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>
    /// Starts simulated workers on one named host: no process, no pipe and no thread of their own.
    /// A simulated worker answers each frame the session writes at once, on the session's writer
    /// thread, so a pool of a thousand of them costs only the session's own threads and the pool's
    /// code (scheduler, router, supervisor, results) runs exactly as with real workers.
    /// </summary>
    internal sealed class SimTransport : IWorkerTransport
    {
        private static int s_nextProcessId = 500000;

        public SimTransport(string host)
        {
            Location = host;
        }

        public string Location { get; }

        public ConcurrentQueue<SimWorker> Started { get; } = new ConcurrentQueue<SimWorker>();

        public WorkerLink Start(string? workingDirectory)
        {
            var worker = new SimWorker(Interlocked.Increment(ref s_nextProcessId), Location);
            Started.Enqueue(worker);
            return worker;
        }
    }

    /// <summary>
    /// One simulated worker. Every item succeeds at once and writes one output record: its index in
    /// its chunk (encoded once for all workers), so that the worker side costs next to nothing and
    /// what a map costs is the session's.
    /// </summary>
    internal sealed class SimWorker : WorkerLink
    {
        private static readonly byte[][] Outputs = EncodeOutputs();

        private readonly SimPipe _fromWorker = new SimPipe();
        private readonly SimInbox _toWorker;
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();
        private readonly PayloadWriter _payload = new PayloadWriter(64);
        private int? _exitCode;

        public SimWorker(int processId, string location)
        {
            ProcessId = processId;
            Location = location;
            _toWorker = new SimInbox(this);
            Send(FrameKind.Hello, Hello.ForThisProcess("sim", processId).Write);
        }

        public override int ProcessId { get; }

        public override string Location { get; }

        public override Stream ToWorker => _toWorker;

        public override Stream FromWorker => _fromWorker;

        /// <summary>No console text, ever: the session's console thread ends at once.</summary>
        public override TextReader Console => TextReader.Null;

        public override int? ExitCode => _exitCode;

        /// <summary>Items this worker ran.</summary>
        public int Items { get; private set; }

        public int Chunks { get; private set; }

        public override void Kill() => Exit(137);

        public override bool WaitForExit(TimeSpan timeout) => _exited.Wait(timeout);

        internal void Exit(int code)
        {
            lock (_exited)
            {
                if (_exited.IsSet)
                {
                    return;
                }

                _exitCode = code;
                _fromWorker.Close();
                _exited.Set();
            }
        }

        /// <summary>One frame from the session, on the session's writer thread.</summary>
        internal void OnFrame(FrameKind kind, byte[] payload)
        {
            if (_exited.IsSet)
            {
                throw new IOException("The worker has exited.");
            }

            switch (kind)
            {
                case FrameKind.PoolInit:
                    Send(FrameKind.InitDone, w => InitDone.Write(w, true));
                    break;
                case FrameKind.RunChunk:
                    RunChunk(new PayloadReader(payload));
                    break;
            }
        }

        private void RunChunk(PayloadReader r)
        {
            r.ReadVarUInt();
            long chunkId = (long)r.ReadVarUInt();
            int count = (int)r.ReadVarUInt();
            Chunks++;
            Items += count;

            // The whole chunk's answer in one write, as a worker's frame writer batches it.
            var reply = new PayloadWriter(64 + (count * 24));
            Frame(reply, FrameKind.ChunkStarted, w => Marker.Write(w, chunkId));
            for (int i = 0; i < count; i++)
            {
                int index = i;
                Frame(reply, FrameKind.Record, w =>
                {
                    Record.WriteHeader(w, StreamKind.Output, chunkId, index);
                    w.WriteRaw(Outputs[Math.Min(index, Outputs.Length - 1)]);
                });
                Frame(reply, FrameKind.ItemDone, w => ItemDone.Write(w, chunkId, index, false));
            }

            Frame(reply, FrameKind.ChunkDone, w => Marker.Write(w, chunkId));
            _fromWorker.Write(reply.Buffer, 0, reply.Length);
        }

        private void Send(FrameKind kind, Action<PayloadWriter> write)
        {
            var frame = new PayloadWriter(64);
            Frame(frame, kind, write);
            _fromWorker.Write(frame.Buffer, 0, frame.Length);
        }

        private void Frame(PayloadWriter into, FrameKind kind, Action<PayloadWriter> write)
        {
            write(_payload.Reset());
            uint length = (uint)(_payload.Length + 1);
            into.WriteByte((byte)length);
            into.WriteByte((byte)(length >> 8));
            into.WriteByte((byte)(length >> 16));
            into.WriteByte((byte)(length >> 24));
            into.WriteByte((byte)kind);
            byte[] body = _payload.Buffer;
            for (int i = 0; i < _payload.Length; i++)
            {
                into.WriteByte(body[i]);
            }
        }

        private static byte[][] EncodeOutputs()
        {
            var outputs = new byte[ChunkSchedulerMax][];
            for (int i = 0; i < outputs.Length; i++)
            {
                var w = new PayloadWriter(16);
                ValueCodec.Write(w, i);
                outputs[i] = w.ToArray();
            }

            return outputs;
        }

        private const int ChunkSchedulerMax = ProcCmdlets.Pools.ChunkScheduler.MaxChunkSize;

        /// <summary>The session's channel toward the worker: it cuts what is written into frames and hands them over.</summary>
        // The session reads and writes through the byte[] overloads (it targets netstandard2.0).
        #pragma warning disable CA1844
        private sealed class SimInbox : Stream
        {
            private readonly SimWorker _worker;
            private byte[] _partial = new byte[256];
            private int _partialLength;

            public SimInbox(SimWorker worker) => _worker = worker;

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count)
            {
                if (_partialLength + count > _partial.Length)
                {
                    Array.Resize(ref _partial, Math.Max(_partial.Length * 2, _partialLength + count));
                }

                Buffer.BlockCopy(buffer, offset, _partial, _partialLength, count);
                _partialLength += count;
                int position = 0;
                while (_partialLength - position >= 5)
                {
                    int length = (int)(uint)(_partial[position] | _partial[position + 1] << 8 | _partial[position + 2] << 16 | _partial[position + 3] << 24);
                    if (_partialLength - position - 4 < length)
                    {
                        break;
                    }

                    var payload = new byte[length - 1];
                    Buffer.BlockCopy(_partial, position + 5, payload, 0, payload.Length);
                    _worker.OnFrame((FrameKind)_partial[position + 4], payload);
                    position += 4 + length;
                }

                Buffer.BlockCopy(_partial, position, _partial, 0, _partialLength - position);
                _partialLength -= position;
            }

            /// <summary>At once, on the session's writer (as <see cref="Write"/>): a simulated worker never makes the session wait.</summary>
            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                try
                {
                    Write(buffer, offset, count);
                    return Task.CompletedTask;
                }
                catch (Exception e)
                {
                    return Task.FromException(e);
                }
            }

            public override void Flush()
            {
            }

            protected override void Dispose(bool disposing)
            {
                // The session closed the channel: the worker exits, as a real one does.
                _worker.Exit(0);
                base.Dispose(disposing);
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
