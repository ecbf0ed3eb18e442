using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// One worker's channel from a host agent, as the session reads it: the pieces the connection's
    /// reader hands over, in order, ending when the worker has exited or the connection is gone.
    /// What the session reads goes back to the agent as credit (<see cref="CreditWindow"/>), so at most
    /// a window of it waits here. An asynchronous read waits for the next piece without a thread.
    /// </summary>
    internal sealed class AgentInbound : Stream
    {
        private readonly object _lock = new object();
        private readonly Queue<byte[]> _pieces = new Queue<byte[]>();
        private readonly Action<int> _consumed;
        private int _offset;
        private bool _ended;
        private PendingRead? _pending;

        /// <param name="consumed">Told how many bytes the session read (the agent may send that many more).</param>
        public AgentInbound(Action<int> consumed)
        {
            _consumed = consumed;
        }

        /// <summary>Bytes arrived and not yet read: the agent may not send more than the window.</summary>
        public CreditWindow Window { get; } = new CreditWindow();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        /// <summary>A piece of the channel; false when it exceeds the window (the agent did not wait for credit).</summary>
        public bool Add(byte[] piece)
        {
            if (piece.Length == 0 || !Window.Arrive(piece.Length))
            {
                return false;
            }

            PendingRead? pending;
            lock (_lock)
            {
                _pieces.Enqueue(piece);
                Monitor.PulseAll(_lock);
                pending = _pending;
                _pending = null;
            }

            pending?.Complete(this);
            return true;
        }

        /// <summary>No more pieces: reads return what is left, then the end.</summary>
        public void End()
        {
            PendingRead? pending;
            lock (_lock)
            {
                _ended = true;
                Monitor.PulseAll(_lock);
                pending = _pending;
                _pending = null;
            }

            pending?.Complete(this);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                while (_pieces.Count == 0 && !_ended)
                {
                    Monitor.Wait(_lock);
                }
            }

            return Take(buffer, offset, count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                if (_pieces.Count == 0 && !_ended)
                {
                    // One reader at a time: the worker's channel has one.
                    _pending = new PendingRead(buffer, offset, count);
                    return _pending.Task;
                }
            }

            return Task.FromResult(Take(buffer, offset, count));
        }

        /// <summary>Copies what has arrived, up to <paramref name="count"/> bytes, and gives the agent that much credit; 0 at the end.</summary>
        private int Take(byte[] buffer, int offset, int count)
        {
            int copied = 0;
            lock (_lock)
            {
                while (copied < count && _pieces.Count > 0)
                {
                    byte[] piece = _pieces.Peek();
                    int n = Math.Min(count - copied, piece.Length - _offset);
                    Buffer.BlockCopy(piece, _offset, buffer, offset + copied, n);
                    copied += n;
                    _offset += n;
                    if (_offset == piece.Length)
                    {
                        _pieces.Dequeue();
                        _offset = 0;
                    }
                }
            }

            if (copied > 0)
            {
                Window.Return(copied);
                _consumed(copied);
            }

            return copied;
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        /// <summary>An asynchronous read waiting for the next piece.</summary>
        private sealed class PendingRead
        {
            private readonly byte[] _buffer;
            private readonly int _offset;
            private readonly int _count;

            // The reader's continuation runs on the thread pool, never on the connection's reader.
            private readonly TaskCompletionSource<int> _done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

            public PendingRead(byte[] buffer, int offset, int count)
            {
                _buffer = buffer;
                _offset = offset;
                _count = count;
            }

            public Task<int> Task => _done.Task;

            public void Complete(AgentInbound inbound) => _done.TrySetResult(inbound.Take(_buffer, _offset, _count));
        }
    }
}
