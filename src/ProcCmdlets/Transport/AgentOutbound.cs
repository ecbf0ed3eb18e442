using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// One worker's channel toward a host agent: writes become Data frames of at most a chunk each,
    /// sent once the agent has room for them (<see cref="CreditWindow"/>), so a worker that stops
    /// reading holds back only its own writer. Closing it tells the agent to close the worker's input.
    /// </summary>
    internal sealed class AgentOutbound : Stream
    {
        private readonly uint _worker;
        private readonly Func<byte[], bool> _send;
        private int _closed;

        public AgentOutbound(uint worker, Func<byte[], bool> send)
        {
            _worker = worker;
            _send = send;
        }

        /// <summary>Bytes sent and not yet written to the worker by the agent.</summary>
        public CreditWindow Window { get; } = new CreditWindow();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                int n = Math.Min(count, AgentFrameReader.MaxChunkBytes);
                if (Volatile.Read(ref _closed) != 0 || !Window.Take(n) || !_send(AgentFrameReader.Encode(AgentFrameKind.Data, _worker, buffer, offset, n)))
                {
                    throw new IOException("The worker's connection is closed.");
                }

                offset += n;
                count -= n;
            }
        }

        /// <summary>As <see cref="Write"/>; waiting for the agent's credit holds no thread.</summary>
        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                int n = Math.Min(count, AgentFrameReader.MaxChunkBytes);
                if (Volatile.Read(ref _closed) != 0 || !await Window.TakeAsync(n).ConfigureAwait(false) || !_send(AgentFrameReader.Encode(AgentFrameKind.Data, _worker, buffer, offset, n)))
                {
                    throw new IOException("The worker's connection is closed.");
                }

                offset += n;
                count -= n;
            }
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
            {
                _send(AgentFrameReader.Encode(AgentFrameKind.Close, _worker));
            }

            base.Dispose(disposing);
        }
    }
}
