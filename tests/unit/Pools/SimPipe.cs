using System;
using System.IO;
using System.Threading;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>
    /// A one-way channel in memory: writes never block, a read waits for bytes or for the end, as a
    /// pipe's reading end does. A simulated worker's frames reach the session's reader thread through it.
    /// </summary>
    internal sealed class SimPipe : Stream
    {
        private readonly object _lock = new object();
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;
        private bool _closed;

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

                int n = Math.Min(count, _end - _start);
                Buffer.BlockCopy(_buffer, _start, buffer, offset, n);
                _start += n;
                if (_start == _end)
                {
                    _start = _end = 0;
                }

                return n;
            }
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
            }
        }

        /// <summary>The writer is gone: the reader gets what is left, then the end of the stream.</summary>
        public override void Close()
        {
            lock (_lock)
            {
                _closed = true;
                Monitor.PulseAll(_lock);
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
