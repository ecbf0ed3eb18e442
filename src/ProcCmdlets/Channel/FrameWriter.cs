using System;
using System.IO;
using System.Threading;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Queues frames from any thread and writes them in batches on its own thread. Records, item
    /// markers and posted puts wait up to <see cref="BatchDelay"/> for company, so a busy channel makes one
    /// write (and one wake-up) per batch rather than per frame; every other frame is written at
    /// once, with whatever is queued before it. Producers wait when too much is queued.
    /// </summary>
    internal sealed class FrameWriter : IDisposable
    {
        private const int MaxQueuedBytes = 16 << 20;
        private const int EagerBytes = 32 << 10;

        /// <summary>
        /// While paused, a producer of records waits once this much is queued: the output of a worker
        /// whose session cannot keep up waits in the worker's pipeline, not in anybody's memory.
        /// </summary>
        private const int PausedQueuedBytes = 256 << 10;

        /// <summary>How long a record may wait for others before it is written.</summary>
        public static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(1);

        /// <summary>How long the records of an item still running may wait for the item's end.</summary>
        public static readonly TimeSpan HoldLimit = TimeSpan.FromMilliseconds(20);

        private readonly Stream _stream;
        private readonly object _lock = new object();
        private readonly Thread _thread;
        private byte[] _pending = new byte[1 << 16];
        private byte[] _spare = new byte[1 << 16];
        private int _pendingLength;
        private bool _writing;
        private bool _closed;
        private bool _ended;
        private bool _urgent;
        private bool _full;
        private bool _flushAll;
        private bool _paused;
        private int _boundary;
        private DateTime _tailSince;
        private Exception? _fault;

        /// <summary>Bytes of frames queued when a write failed, which therefore never reached the other side.</summary>
        public long Unwritten { get; private set; }

        public FrameWriter(Stream stream, string name = "ProcCmdlets frame writer")
        {
            _stream = stream;
            _thread = new Thread(WriteLoop) { IsBackground = true, Name = name };
            _thread.Start();
        }

        /// <summary>Set once a write to the channel has failed (the other side is gone).</summary>
        public Exception? Fault => _fault;

        public void Send(FrameKind kind, PayloadWriter payload) =>
            Send(kind, payload.Buffer, 0, payload.Length);

        public void Send(FrameKind kind) => Send(kind, Array.Empty<byte>(), 0, 0);

        /// <summary>
        /// Queues a frame without ever waiting for room: for senders that bound what they queue
        /// themselves (a pool has at most two chunks on a worker) and must not stall on a stopped worker.
        /// </summary>
        public void Post(FrameKind kind, byte[] payload) => Send(kind, payload, 0, payload.Length, wait: false);

        public void Send(FrameKind kind, byte[] payload, int offset, int count) => Send(kind, payload, offset, count, wait: true);

        private void Send(FrameKind kind, byte[] payload, int offset, int count, bool wait)
        {
            if ((long)count + 1 > FrameReader.DefaultMaxFrameBytes)
            {
                throw new InvalidDataException($"A frame of {count} bytes is larger than the channel carries.");
            }

            lock (_lock)
            {
                while (wait && !_closed && _fault == null
                    && (_pendingLength > MaxQueuedBytes || (_paused && kind == FrameKind.Record && _pendingLength > PausedQueuedBytes)))
                {
                    Monitor.Wait(_lock);
                }

                if (_fault != null)
                {
                    throw new IOException("The channel is closed.", _fault);
                }

                if (_closed)
                {
                    throw new ObjectDisposedException(nameof(FrameWriter));
                }

                int needed = _pendingLength + 5 + count;
                if (needed > _pending.Length)
                {
                    Array.Resize(ref _pending, Math.Max(needed, _pending.Length * 2));
                }

                uint length = (uint)count + 1;
                _pending[_pendingLength] = (byte)length;
                _pending[_pendingLength + 1] = (byte)(length >> 8);
                _pending[_pendingLength + 2] = (byte)(length >> 16);
                _pending[_pendingLength + 3] = (byte)(length >> 24);
                _pending[_pendingLength + 4] = (byte)kind;
                Buffer.BlockCopy(payload, offset, _pending, _pendingLength + 5, count);
                bool wasEmpty = _pendingLength == 0;
                if (kind != FrameKind.Record)
                {
                    _boundary = needed;
                }
                else if (_boundary == _pendingLength)
                {
                    _tailSince = DateTime.UtcNow;
                }

                _pendingLength = needed;
                bool urgent = !CanWait(kind);
                bool full = needed >= EagerBytes;
                _urgent |= urgent;
                _full |= full;
                if (!_writing && (urgent || full || wasEmpty))
                {
                    Monitor.PulseAll(_lock);
                }
            }

            DebugTrace.Sent(_thread.Name, kind, count);
        }

        private static bool CanWait(FrameKind kind) =>
            kind == FrameKind.Record || kind == FrameKind.ItemDone || kind == FrameKind.ChunkStarted || kind == FrameKind.SharedPost;

        /// <summary>
        /// Pauses or resumes producers of records (see <see cref="PausedQueuedBytes"/>); other frames
        /// never wait for it, so item and chunk ends still flow while records are held back.
        /// </summary>
        public void SetPaused(bool paused)
        {
            lock (_lock)
            {
                _paused = paused;
                Monitor.PulseAll(_lock);
            }
        }

        /// <summary>Waits until every queued frame has been written, or the channel failed (see <see cref="Fault"/>).</summary>
        public void Flush() => Flush(Timeout.InfiniteTimeSpan);

        /// <summary>As <see cref="Flush()"/>, for at most <paramref name="timeout"/>; false when frames are still queued then.</summary>
        public bool Flush(TimeSpan timeout)
        {
            var deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
            lock (_lock)
            {
                _urgent = true;
                _flushAll = true;
                Monitor.PulseAll(_lock);
                while ((_pendingLength > 0 || _writing) && _fault == null)
                {
                    if (deadline == DateTime.MaxValue)
                    {
                        Monitor.Wait(_lock);
                        continue;
                    }

                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    Monitor.Wait(_lock, left);
                }

                return true;
            }
        }

        private void WriteLoop()
        {
            while (true)
            {
                int length = TakeBatch(out byte[] batch);
                if (length < 0)
                {
                    break;
                }

                if (length > 0 && !WriteBatch(batch, length))
                {
                    break;
                }
            }

            bool closed;
            lock (_lock)
            {
                _ended = true;
                closed = _closed;
            }

            if (closed)
            {
                // The stream is closed here, after the last write, never under a write still going.
                CloseStream();
            }
        }

        /// <summary>Takes the next batch off the queue: its length; 0 after holding records for their item's end; -1 when closed and drained.</summary>
        private int TakeBatch(out byte[] batch)
        {
            batch = Array.Empty<byte>();
            lock (_lock)
            {
                _writing = false;
                Monitor.PulseAll(_lock);
                while (_pendingLength == 0 && !_closed)
                {
                    Monitor.Wait(_lock);
                }

                if (_pendingLength == 0)
                {
                    return -1;
                }

                if (!_urgent && !_full && !_closed)
                {
                    // Only records and item markers so far: give the producer a moment to add more.
                    Monitor.Wait(_lock, BatchDelay);
                }

                TimeSpan held = _boundary < _pendingLength ? DateTime.UtcNow - _tailSince : TimeSpan.Zero;
                BatchCut cut = BatchCut.Decide(_pendingLength, _boundary, _flushAll, _closed, held, HoldLimit);
                if (cut.Length == 0)
                {
                    Monitor.Wait(_lock, cut.Wait);
                    return 0;
                }

                _urgent = false;
                _full = false;
                _flushAll = false;
                batch = _pending;
                int rest = _pendingLength - cut.Length;
                if (_spare.Length < rest)
                {
                    _spare = new byte[Math.Max(rest, 1 << 16)];
                }

                Buffer.BlockCopy(batch, cut.Length, _spare, 0, rest);
                _pending = _spare;
                _spare = batch;
                _pendingLength = rest;
                _boundary = 0;
                _writing = true;
                Monitor.PulseAll(_lock);
                return cut.Length;
            }
        }

        /// <summary>Writes one batch; false when the write failed, which <see cref="Fault"/> then says.</summary>
        private bool WriteBatch(byte[] batch, int length)
        {
            try
            {
                WholeWrites.Write(_stream, batch, length);
                _stream.Flush();
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    // Nothing queued is dropped unseen: the fault says how much was not written.
                    Unwritten = length + _pendingLength;
                    _fault = new IOException($"The channel failed with {Unwritten} bytes of frames not written: {e.Message}", e);
                    _writing = false;
                    _pendingLength = 0;
                    Monitor.PulseAll(_lock);
                }

                return false;
            }

            if (batch.Length > 1 << 20)
            {
                // Do not keep a buffer grown for one huge frame.
                lock (_lock)
                {
                    _spare = new byte[1 << 16];
                }
            }

            return true;
        }

        private void CloseStream()
        {
            try
            {
                _stream.Dispose();
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException)
            {
            }
        }

        /// <summary>
        /// Ends the writer without waiting: what is queued is still written, on the writer's thread,
        /// which then closes the stream (the other side sees end of stream). A write that fails sets
        /// <see cref="Fault"/>, which says how many bytes were not written.
        /// </summary>
        public void Close()
        {
            bool ended;
            lock (_lock)
            {
                _closed = true;
                ended = _ended;
                Monitor.PulseAll(_lock);
            }

            if (ended)
            {
                // The writer stopped at a failed write: nobody else will close the stream.
                CloseStream();
            }
        }

        /// <summary>
        /// Writes what is queued, then closes the stream. It waits as long as the writes take: until
        /// the other side has read them or is gone (its end of the pipe closed); it never drops them.
        /// </summary>
        public void Dispose()
        {
            Close();
            if (Thread.CurrentThread != _thread)
            {
                _thread.Join();
            }
        }
    }
}
