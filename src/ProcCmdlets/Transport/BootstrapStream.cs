using System;
using System.IO;
using System.Threading.Tasks;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// The channel toward a worker that first needs something else on the same stream (the assembly
    /// the bootstrap loads): that is written on its own task, so starting a worker never waits for the
    /// connection, and the channel's first write waits until it is through.
    /// </summary>
    internal sealed class BootstrapStream : Stream
    {
        private readonly Stream _inner;
        private readonly Task _prefix;

        public BootstrapStream(Stream inner, Action<Stream> writePrefix)
        {
            _inner = inner;
            _prefix = Task.Factory.StartNew(() => writePrefix(inner), TaskCreationOptions.LongRunning);
        }

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
            WaitForPrefix();
            _inner.Write(buffer, offset, count);
        }

        public override void Flush()
        {
            WaitForPrefix();
            _inner.Flush();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    // Closing before the prefix is through would cut it short; once the prefix failed, the stream is gone anyway.
                    _prefix.Wait();
                }
                catch (Exception)
                {
                }

                try
                {
                    _inner.Dispose();
                }
                catch (Exception)
                {
                }
            }

            base.Dispose(disposing);
        }

        private void WaitForPrefix()
        {
            try
            {
                _prefix.Wait();
            }
            catch (AggregateException e)
            {
                throw new IOException("The connection closed before the worker started.", e.InnerException);
            }
        }
    }
}
