using System;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// The frames a <see cref="FrameWriter"/> has queued, encoded back to back, and where a batch may
    /// be cut (<see cref="BatchCut"/>). Not thread-safe: the writer uses it under its lock.
    /// </summary>
    internal sealed class QueuedFrames
    {
        private byte[] _pending = new byte[1 << 16];
        private byte[] _spare = new byte[1 << 16];
        private int _boundary;
        private DateTime _tailSince;

        /// <summary>Bytes queued.</summary>
        public int Length { get; private set; }

        /// <summary>Encodes a frame at the end of the queue.</summary>
        public void Add(FrameKind kind, byte[] payload, int offset, int count)
        {
            int needed = Length + 5 + count;
            if (needed > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(needed, _pending.Length * 2));
            }

            uint length = (uint)count + 1;
            _pending[Length] = (byte)length;
            _pending[Length + 1] = (byte)(length >> 8);
            _pending[Length + 2] = (byte)(length >> 16);
            _pending[Length + 3] = (byte)(length >> 24);
            _pending[Length + 4] = (byte)kind;
            Buffer.BlockCopy(payload, offset, _pending, Length + 5, count);
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

        /// <summary>Where the next batch ends (see <see cref="BatchCut.Decide"/>).</summary>
        public BatchCut Cut(bool flushAll, bool closed, TimeSpan holdLimit)
        {
            TimeSpan held = _boundary < Length ? DateTime.UtcNow - _tailSince : TimeSpan.Zero;
            return BatchCut.Decide(Length, _boundary, flushAll, closed, held, holdLimit);
        }

        /// <summary>Takes the first <paramref name="length"/> bytes off the queue; the buffer returned is the writer's until the next call.</summary>
        public byte[] Take(int length)
        {
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
