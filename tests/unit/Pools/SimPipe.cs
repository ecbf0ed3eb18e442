using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>
    /// A one-way channel in memory: writes never block, a read waits for bytes or for the end, as a
    /// pipe's reading end does, and an asynchronous read without a thread, as a pipe's does on Unix.
    /// A simulated worker's frames reach the session's reader through it.
    /// </summary>
    // The session reads and writes through the byte[] overloads (it targets netstandard2.0).
    #pragma warning disable CA1844
    internal sealed class SimPipe : Stream
    {
        private readonly object _lock = new object();
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;
        private bool _closed;
        private TaskCompletionSource<int>? _waiting;
        private byte[]? _waitingBuffer;
        private int _waitingOffset;
        private int _waitingCount;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                while (_start == _end && !_closed)
                {
                    Monitor.Wait(_lock);
                }

                return Take(buffer, offset, count);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                if (_start == _end && !_closed)
                {
                    _waiting = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waitingBuffer = buffer;
                    _waitingOffset = offset;
                    _waitingCount = count;
                    return _waiting.Task;
                }

                return Task.FromResult(Take(buffer, offset, count));
            }
        }

        /// <summary>A read waiting for bytes gets what has come (under the lock).</summary>
        private void ServeWaiting()
        {
            TaskCompletionSource<int>? waiting = _waiting;
            if (waiting != null)
            {
                _waiting = null;
                waiting.TrySetResult(Take(_waitingBuffer!, _waitingOffset, _waitingCount));
                _waitingBuffer = null;
            }
        }

        private int Take(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, _end - _start);
            Buffer.BlockCopy(_buffer, _start, buffer, offset, n);
            _start += n;
            if (_start == _end)
            {
                _start = _end = 0;
            }

            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                if (_closed)
                {
                    throw new IOException("The pipe is closed.");
                }

                if (_end + count > _buffer.Length)
                {
                    int live = _end - _start;
                    byte[] target = live + count > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, live + count)] : _buffer;
                    Buffer.BlockCopy(_buffer, _start, target, 0, live);
                    _buffer = target;
                    _start = 0;
                    _end = live;
                }

                Buffer.BlockCopy(buffer, offset, _buffer, _end, count);
                _end += count;
                Monitor.Pulse(_lock);
                ServeWaiting();
            }
        }

        /// <summary>The writer is gone: the reader gets what is left, then the end of the stream.</summary>
        public override void Close()
        {
            lock (_lock)
            {
                _closed = true;
                Monitor.PulseAll(_lock);
                ServeWaiting();
            }

            base.Close();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
