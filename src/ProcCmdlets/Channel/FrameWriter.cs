using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Queues frames from any thread and writes them in batches, asynchronously: while frames are
    /// queued one drain runs (on the thread pool, holding no thread while a write is pending) and
    /// ends when the queue is empty, so an idle or waiting channel costs no thread. Records, results,
    /// item markers and posted puts wait up to <see cref="BatchDelay"/> for company, so a busy channel
    /// makes one write (and one wake-up) per batch; every other frame is written at once, with
    /// whatever is queued before it. Producers wait when too much is queued.
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

        /// <summary>How large a Results frame grows: one piece the operating system writes whole (<see cref="WholeWrites"/>).</summary>
        private static readonly int ResultsFrameBytes = PipeAtomicity.WholeWriteBytes(OSFamilies.Current);

        private readonly Stream _stream;
        private readonly object _lock = new object();
        private readonly string _name;
        private readonly ManualResetEventSlim _stopped = new ManualResetEventSlim();
        private readonly QueuedFrames _queue = new QueuedFrames();
        private bool _writing;
        private bool _draining;
        private bool _delayed;
        private readonly DrainWake _wake = new DrainWake();
        private bool _closed;
        private bool _ended;
        private bool _urgent;
        private bool _full;
        private bool _flushAll;
        private bool _paused;
        private Exception? _fault;

        /// <summary>Bytes of frames queued when a write failed, which therefore never reached the other side.</summary>
        public long Unwritten { get; private set; }

        public FrameWriter(Stream stream, string name = "ProcCmdlets frame writer")
        {
            _stream = stream;
            _name = name;
        }

        /// <summary>Set once a write to the channel has failed (the other side is gone).</summary>
        public Exception? Fault => _fault;

        public void Send(FrameKind kind, PayloadWriter payload) => Send(kind, payload.Buffer, 0, payload.Length);

        public void Send(FrameKind kind) => Send(kind, Array.Empty<byte>(), 0, 0);

        /// <summary>
        /// Queues a frame without ever waiting for room: for senders that bound what they queue
        /// themselves (a pool has at most two chunks on a worker) and must not stall on a stopped worker.
        /// </summary>
        public void Post(FrameKind kind, byte[] payload) => Send(kind, payload, 0, payload.Length, wait: false);

        public void Send(FrameKind kind, byte[] payload, int offset, int count) => Send(kind, payload, offset, count, wait: true);

        /// <summary>Queues a frame whose payload is <paramref name="head"/> and then <paramref name="body"/> (a Results entry, which may join the frame before it).</summary>
        public void Send(FrameKind kind, PayloadWriter head, PayloadWriter? body) =>
            Send(kind, head.Buffer, 0, head.Length, wait: true, body?.Buffer, body?.Length ?? 0, ResultsFrameBytes);

        private void Send(FrameKind kind, byte[] payload, int offset, int count, bool wait, byte[]? body = null, int bodyCount = 0, int joinBytes = 0)
        {
            if ((long)count + bodyCount + 1 > FrameReader.DefaultMaxFrameBytes)
            {
                throw new InvalidDataException($"A frame of {count + bodyCount} bytes is larger than the channel carries.");
            }

            lock (_lock)
            {
                // An item's end goes on while the session holds records back, as an ItemDone frame does.
                bool record = kind == FrameKind.Record || (joinBytes > 0 && body != null);
                while (wait && !_closed && _fault == null
                    && (_queue.Length > MaxQueuedBytes || (_paused && record && _queue.Length > PausedQueuedBytes)))
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

                _queue.Add(kind, payload, offset, count, body, bodyCount, joinBytes);
                bool urgent = !CanWait(kind);
                bool full = _queue.Length >= EagerBytes;
                _urgent |= urgent;
                _full |= full;
                Kick(urgent || full);
            }

            DebugTrace.Sent(_name, kind, count + bodyCount);
        }

        private static bool CanWait(FrameKind kind) =>
            kind == FrameKind.Record || kind == FrameKind.Results || kind == FrameKind.ItemDone || kind == FrameKind.ChunkStarted || kind == FrameKind.SharedPost;

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
                Kick(true);
                while ((_queue.Length > 0 || _writing) && _fault == null)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (deadline != DateTime.MaxValue && left <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    Monitor.Wait(_lock, deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : left);
                }

                return true;
            }
        }

        /// <summary>
        /// Under the lock: starts a drain when frames (or a close) wait and none runs, never on the
        /// caller's thread (the pipeline thread or a reader); otherwise, when <paramref name="now"/>,
        /// ends the running drain's wait for company. A failed or closed writer's drain never restarts.
        /// </summary>
        private void Kick(bool now)
        {
            if (!_draining && (_queue.Length > 0 || _closed))
            {
                _draining = true;
                Task.Run(Drain);
            }
            else if (now)
            {
                _wake.Take()?.TrySetResult(true);
            }
        }

        /// <summary>Writes batches until the queue is empty (or the channel fails); closes the stream once closed and drained.</summary>
        private async Task Drain()
        {
            while (true)
            {
                byte[] batch;
                int length;
                Task? pause = null;
                lock (_lock)
                {
                    _writing = false;
                    Monitor.PulseAll(_lock);
                    if (_queue.Length == 0)
                    {
                        _delayed = false;
                        if (!_closed)
                        {
                            // Nothing to write: the next frame starts the next drain.
                            _draining = false;
                            return;
                        }

                        break;
                    }

                    batch = Array.Empty<byte>();
                    length = 0;
                    if (!_urgent && !_full && !_closed && !_delayed)
                    {
                        // Only records and item markers so far: give the producer a moment to add more.
                        _delayed = true;
                        pause = _wake.Pause(BatchDelay);
                    }
                    else
                    {
                        BatchCut cut = _queue.Cut(_flushAll, _closed, HoldLimit);
                        if (cut.Length == 0)
                        {
                            pause = _wake.Pause(cut.Wait);
                        }
                        else
                        {
                            length = cut.Length;
                            batch = TakeBatch(length);
                        }
                    }
                }

                if (pause != null)
                {
                    await pause.ConfigureAwait(false);
                    continue;
                }

                if (!await WriteBatch(batch, length).ConfigureAwait(false))
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

            try
            {
                if (closed)
                {
                    // The stream is closed here, after the last write, never under a write still going.
                    CloseStream();
                }
            }
            finally
            {
                _stopped.Set();
            }
        }

        /// <summary>Takes a batch of <paramref name="length"/> bytes off the queue (under the lock).</summary>
        private byte[] TakeBatch(int length)
        {
            _delayed = false;
            _urgent = false;
            _full = false;
            _flushAll = false;
            _writing = true;
            Monitor.PulseAll(_lock);
            return _queue.Take(length);
        }

        /// <summary>Writes one batch; false when the write failed, which <see cref="Fault"/> then says.</summary>
        private async Task<bool> WriteBatch(byte[] batch, int length)
        {
            try
            {
                await WholeWrites.WriteAsync(_stream, batch, length).ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    // Nothing queued is dropped unseen: the fault says how much was not written.
                    Unwritten = length + _queue.Length;
                    _fault = new IOException($"The channel failed with {Unwritten} bytes of frames not written: {e.Message}", e);
                    _writing = false;
                    _queue.Clear();
                    Monitor.PulseAll(_lock);
                }

                return false;
            }

            lock (_lock)
            {
                _queue.Shrink();
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
        /// Ends the writer without waiting: what is queued is still written, by the drain, which then
        /// closes the stream (the other side sees end of stream). A write that fails sets
        /// <see cref="Fault"/>, which says how many bytes were not written.
        /// </summary>
        public void Close()
        {
            bool ended;
            lock (_lock)
            {
                _closed = true;
                ended = _ended;
                Kick(true);
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
            _stopped.Wait();
        }
    }
}
