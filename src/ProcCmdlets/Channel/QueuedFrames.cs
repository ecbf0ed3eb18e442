using System;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// The frames a <see cref="FrameWriter"/> has queued, encoded back to back, and where a batch may
    /// be cut (<see cref="BatchCut"/>). Results entries join the Results frame at the end of the
    /// queue while it is of the same chunk and small enough, so a run of items costs one frame. Not
    /// thread-safe: the writer uses it under its lock.
    /// </summary>
    internal sealed class QueuedFrames
    {
        private byte[] _pending = new byte[1 << 16];
        private byte[] _spare = new byte[1 << 16];
        private int _boundary;
        private DateTime _tailSince;

        // The Results frame at the end of the queue that entries still join (-1: none), and its chunk.
        private int _open = -1;
        private long _openChunk;

        /// <summary>Bytes queued.</summary>
        public int Length { get; private set; }

        /// <summary>
        /// Encodes a frame at the end of the queue, its payload <paramref name="count"/> bytes of
        /// <paramref name="payload"/> from <paramref name="offset"/> and then <paramref name="bodyCount"/>
        /// of <paramref name="body"/>. Given <paramref name="joinBytes"/>, a Results payload (a chunk id
        /// and one entry) joins the Results frame at the end of the queue when that is of the same chunk
        /// and stays within that many bytes.
        /// </summary>
        public void Add(FrameKind kind, byte[] payload, int offset, int count, byte[]? body = null, int bodyCount = 0, int joinBytes = 0)
        {
            if (kind == FrameKind.Results && joinBytes > 0)
            {
                AddResult(payload, offset, count, body, bodyCount, joinBytes);
                return;
            }

            CloseResults();
            int needed = Length + 5 + count + bodyCount;
            Reserve(needed);

            uint length = (uint)count + 1;
            _pending[Length] = (byte)length;
            _pending[Length + 1] = (byte)(length >> 8);
            _pending[Length + 2] = (byte)(length >> 16);
            _pending[Length + 3] = (byte)(length >> 24);
            _pending[Length + 4] = (byte)kind;
            Buffer.BlockCopy(payload, offset, _pending, Length + 5, count);
            if (bodyCount > 0)
            {
                Buffer.BlockCopy(body!, 0, _pending, Length + 5 + count, bodyCount);
            }

            if (kind != FrameKind.Record)
            {
                _boundary = needed;
            }
            else if (_boundary == Length)
            {
                _tailSince = DateTime.UtcNow;
            }

            Length = needed;
        }

        /// <summary>
        /// Adds a Results entry. An item's end is a place a batch may end, as an item marker is; an
        /// output value of an item still running is held as a record is.
        /// </summary>
        private void AddResult(byte[] payload, int offset, int count, byte[]? body, int bodyCount, int maxFrameBytes)
        {
            int entry = offset;
            ulong chunkId = PayloadReader.ReadVarUInt(payload, ref entry, offset + count);
            int headCount = offset + count - entry;
            bool endsItem = headCount > 0 && payload[entry] == Protocol.ResultEntry.DoneTag;
            bool atBoundary = _boundary == Length;
            int entryCount = headCount + bodyCount;
            if (_open < 0 || _openChunk != (long)chunkId || Length - _open + entryCount > maxFrameBytes)
            {
                CloseResults();
                Reserve(Length + 5 + 10);
                _open = Length;
                _openChunk = (long)chunkId;
                _pending[Length + 4] = (byte)FrameKind.Results;
                Length = PayloadWriter.WriteVarUInt(_pending, Length + 5, chunkId);
            }

            Reserve(Length + entryCount);
            Buffer.BlockCopy(payload, entry, _pending, Length, headCount);
            if (bodyCount > 0)
            {
                Buffer.BlockCopy(body!, 0, _pending, Length + headCount, bodyCount);
            }

            Length += entryCount;
            SetLength(_open, Length);
            if (endsItem)
            {
                _boundary = Length;
            }
            else if (atBoundary)
            {
                _tailSince = DateTime.UtcNow;
            }
        }

        /// <summary>Where the next batch ends (see <see cref="BatchCut.Decide"/>).</summary>
        public BatchCut Cut(bool flushAll, bool closed, TimeSpan holdLimit)
        {
            TimeSpan held = _boundary < Length ? DateTime.UtcNow - _tailSince : TimeSpan.Zero;
            return BatchCut.Decide(Length, _boundary, flushAll, closed, held, holdLimit);
        }

        /// <summary>Takes the first <paramref name="length"/> bytes off the queue; the buffer returned is the writer's until the next call.</summary>
        public byte[] Take(int length)
        {
            if (_open >= 0 && length > _open && length < Length)
            {
                // The batch ends after an item's end inside the open Results frame: what follows it
                // (an item still running) becomes a frame of its own.
                SplitOpen(length);
            }

            if (_open >= 0)
            {
                _open = _open >= length ? _open - length : -1;
            }

            byte[] batch = _pending;
            int rest = Length - length;
            if (_spare.Length < rest)
            {
                _spare = new byte[Math.Max(rest, 1 << 16)];
            }

            Buffer.BlockCopy(batch, length, _spare, 0, rest);
            _pending = _spare;
            _spare = batch;
            Length = rest;
            _boundary = 0;
            return batch;
        }

        /// <summary>Forgets what is queued (the channel failed).</summary>
        public void Clear()
        {
            Length = 0;
            _boundary = 0;
            _open = -1;
        }

        /// <summary>
        /// No entry joins the open Results frame any more. A batch may still end after an item's end
        /// inside it, so the entries after that place move to a frame of their own.
        /// </summary>
        private void CloseResults()
        {
            if (_open >= 0 && _boundary > _open && _boundary < Length)
            {
                SplitOpen(_boundary);
            }

            _open = -1;
        }

        /// <summary>Ends the open Results frame at <paramref name="at"/>; the entries after it open a new one of the same chunk.</summary>
        private void SplitOpen(int at)
        {
            var header = new byte[15];
            header[4] = (byte)FrameKind.Results;
            int headerCount = PayloadWriter.WriteVarUInt(header, 5, (ulong)_openChunk);
            int tail = Length - at;
            Reserve(Length + headerCount);

            // BlockCopy copies overlapping ranges as if through a temporary buffer.
            Buffer.BlockCopy(_pending, at, _pending, at + headerCount, tail);
            Buffer.BlockCopy(header, 0, _pending, at, headerCount);
            SetLength(_open, at);
            _open = at;
            Length += headerCount;
            SetLength(_open, Length);
        }

        /// <summary>Writes the length prefix of the frame at <paramref name="frame"/>, which ends at <paramref name="end"/>.</summary>
        private void SetLength(int frame, int end)
        {
            uint length = (uint)(end - frame - 4);
            _pending[frame] = (byte)length;
            _pending[frame + 1] = (byte)(length >> 8);
            _pending[frame + 2] = (byte)(length >> 16);
            _pending[frame + 3] = (byte)(length >> 24);
        }

        private void Reserve(int needed)
        {
            if (needed > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(needed, _pending.Length * 2));
            }
        }

        /// <summary>Does not keep a buffer grown for one huge frame.</summary>
        public void Shrink()
        {
            if (_spare.Length > 1 << 20)
            {
                _spare = new byte[1 << 16];
            }
        }
    }
}
