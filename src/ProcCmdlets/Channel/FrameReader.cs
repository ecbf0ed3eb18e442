using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Reads length-prefixed frames: a little-endian uint32 length (kind byte plus payload),
    /// the kind byte, then the payload. A payload's buffer grows as its bytes arrive, so a declared
    /// length costs memory only once the other side has sent that much. It reads either blocking
    /// (<see cref="TryRead"/>) or in two steps that hold no thread while waiting: <see cref="TryTake"/>
    /// parses what has arrived, <see cref="FillAsync"/> reads more.
    /// </summary>
    internal sealed class FrameReader
    {
        public const int DefaultMaxFrameBytes = 1 << 30;

        /// <summary>
        /// The largest frame the session reads from a worker on another host: a host is trusted less
        /// than a process of the session's own, and one record of 64 MB is already far beyond what a
        /// pipeline carries well.
        /// </summary>
        public const int RemoteMaxFrameBytes = 64 << 20;

        /// <summary>The read buffer, and the buffer a payload larger than it starts in (it doubles as bytes arrive, up to the declared length).</summary>
        private const int FirstPayloadBytes = 64 << 10;

        private readonly Stream _stream;
        private readonly int _maxFrameBytes;
        private readonly byte[] _buffer = new byte[FirstPayloadBytes];
        private int _start;
        private int _end;

        // A frame too large for the buffer, read into a payload of its own.
        private byte[]? _large;
        private int _largeFilled;
        private int _largeSize;
        private FrameKind _largeKind;

        public FrameReader(Stream stream, int maxFrameBytes = DefaultMaxFrameBytes)
        {
            _stream = stream;
            _maxFrameBytes = maxFrameBytes;
        }

        /// <summary>Reads the next frame, waiting for it; false at a clean end of stream between frames.</summary>
        /// <exception cref="InvalidDataException">The stream ends inside a frame or a length is out of range.</exception>
        public bool TryRead(out Frame frame)
        {
            while (!TryTake(out frame))
            {
                if (!Fill())
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>As <see cref="FillAsync"/>, waiting on the calling thread.</summary>
        public bool Fill()
        {
            GetRoom(out byte[] target, out int offset, out int count);
            return Arrived(_stream.Read(target, offset, count));
        }

        /// <summary>
        /// Reads what the stream has next into the reader, without holding a thread while it waits;
        /// false at a clean end of stream between frames.
        /// </summary>
        /// <exception cref="InvalidDataException">The stream ended inside a frame.</exception>
        public async Task<bool> FillAsync(CancellationToken cancellation = default)
        {
            GetRoom(out byte[] target, out int offset, out int count);
            int got = await _stream.ReadAsync(target, offset, count, cancellation).ConfigureAwait(false);
            return Arrived(got);
        }

        /// <summary>The next frame, when all of it has been read already; false when more must be read first (<see cref="FillAsync"/>).</summary>
        /// <exception cref="InvalidDataException">A length is out of range.</exception>
        public bool TryTake(out Frame frame)
        {
            frame = default;
            if (_large != null)
            {
                if (_largeFilled < _largeSize)
                {
                    return false;
                }

                frame = new Frame(_largeKind, _large);
                _large = null;
                return true;
            }

            int available = _end - _start;
            if (available < 5)
            {
                return false;
            }

            uint length = (uint)(_buffer[_start] | _buffer[_start + 1] << 8 | _buffer[_start + 2] << 16 | _buffer[_start + 3] << 24);
            if (length < 1 || length > (uint)_maxFrameBytes)
            {
                throw new InvalidDataException($"A frame declared {length} bytes, outside 1..{_maxFrameBytes}.");
            }

            int size = (int)length - 1;
            var kind = (FrameKind)_buffer[_start + 4];
            if (available - 5 >= size)
            {
                var payload = size == 0 ? Array.Empty<byte>() : new byte[size];
                Buffer.BlockCopy(_buffer, _start + 5, payload, 0, size);
                _start += 5 + size;
                frame = new Frame(kind, payload);
                return true;
            }

            if (5 + size > _buffer.Length)
            {
                // Too large for the buffer: its payload grows as its bytes arrive.
                int have = available - 5;
                _large = new byte[Math.Min(size, Math.Max(FirstPayloadBytes, have))];
                Buffer.BlockCopy(_buffer, _start + 5, _large, 0, have);
                _largeFilled = have;
                _largeSize = size;
                _largeKind = kind;
                _start = _end = 0;
            }

            return false;
        }

        /// <summary>Where the next read goes.</summary>
        private void GetRoom(out byte[] target, out int offset, out int count)
        {
            if (_large != null)
            {
                if (_largeFilled == _large.Length)
                {
                    Array.Resize(ref _large, (int)Math.Min(_largeSize, 2L * _largeFilled));
                }

                target = _large;
                offset = _largeFilled;
                count = _large.Length - _largeFilled;
                return;
            }

            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _buffer.Length)
            {
                // A frame that fits the buffer began near its end: move it to the front.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            target = _buffer;
            offset = _end;
            count = _buffer.Length - _end;
        }

        /// <summary>Counts <paramref name="got"/> bytes read; false at a clean end of stream.</summary>
        private bool Arrived(int got)
        {
            if (got > 0)
            {
                if (_large != null)
                {
                    _largeFilled += got;
                }
                else
                {
                    _end += got;
                }

                return true;
            }

            if (_large != null)
            {
                throw new InvalidDataException($"The channel ended inside a frame of {_largeSize + 1} bytes.");
            }

            int left = _end - _start;
            if (left >= 5)
            {
                uint length = (uint)(_buffer[_start] | _buffer[_start + 1] << 8 | _buffer[_start + 2] << 16 | _buffer[_start + 3] << 24);
                throw new InvalidDataException($"The channel ended inside a frame of {length} bytes.");
            }

            if (left > 0)
            {
                throw new InvalidDataException("The channel ended inside a frame header.");
            }

            return false;
        }
    }
}
