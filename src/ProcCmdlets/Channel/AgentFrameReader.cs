using System;
using System.IO;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Reads the frames of a host agent's connection: a little-endian uint32 length (of everything
    /// after it), the kind byte, the worker's number (uint32) and the payload. Every frame is small
    /// (at most <see cref="MaxFrameBytes"/>): a worker's own frames cross in pieces, so a length
    /// beyond that, an unknown kind or a stream that ends inside a frame is a broken connection,
    /// never an allocation.
    /// </summary>
    internal sealed class AgentFrameReader
    {
        /// <summary>The most bytes of a worker's channel one Data or Output frame carries.</summary>
        public const int MaxChunkBytes = 64 << 10;

        /// <summary>The longest console line an agent sends, in characters (its UTF-8 fits one frame): longer lines come as several, as a local worker's do.</summary>
        public const int MaxLineChars = 16 << 10;

        /// <summary>The largest frame either side reads: a chunk, or a Configure frame's two strings, and the header.</summary>
        public const int MaxFrameBytes = MaxChunkBytes + 5;

        private readonly Stream _stream;

        // Room for two whole frames: a frame that began near the end moves to the front.
        private readonly byte[] _buffer = new byte[2 * (MaxFrameBytes + 4)];
        private int _start;
        private int _end;

        public AgentFrameReader(Stream stream)
        {
            _stream = stream;
        }

        /// <summary>Reads the next frame, waiting for it; false at a clean end of stream between frames.</summary>
        /// <exception cref="InvalidDataException">The stream ends inside a frame, or a length or kind is not one the protocol has.</exception>
        public bool TryRead(out AgentFrame frame)
        {
            while (!TryTake(out frame))
            {
                int room = Room();
                if (!Arrived(_stream.Read(_buffer, _end, room)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Reads what the stream has next, without holding a thread while it waits; false at a clean end of stream between frames.</summary>
        /// <exception cref="InvalidDataException">The stream ended inside a frame.</exception>
        public async Task<bool> FillAsync()
        {
            int room = Room();
            return Arrived(await _stream.ReadAsync(_buffer, _end, room).ConfigureAwait(false));
        }

        /// <summary>The next frame, when all of it has been read already; false when more must be read first.</summary>
        /// <exception cref="InvalidDataException">A length or kind is not one the protocol has.</exception>
        public bool TryTake(out AgentFrame frame)
        {
            frame = default;
            int available = _end - _start;
            if (available < 4)
            {
                return false;
            }

            uint length = ReadUInt32(_start);
            if (length < 5 || length > MaxFrameBytes)
            {
                throw new InvalidDataException($"An agent frame declared {length} bytes, outside 5..{MaxFrameBytes}.");
            }

            if (available < 9)
            {
                return false;
            }

            var kind = (AgentFrameKind)_buffer[_start + 4];
            if (!Enum.IsDefined(typeof(AgentFrameKind), kind))
            {
                throw new InvalidDataException($"An agent frame has the unknown kind {_buffer[_start + 4]}.");
            }

            if (available < 4 + length)
            {
                return false;
            }

            var payload = new byte[length - 5];
            Buffer.BlockCopy(_buffer, _start + 9, payload, 0, payload.Length);
            frame = new AgentFrame(kind, ReadUInt32(_start + 5), payload);
            _start += 4 + (int)length;
            return true;
        }

        /// <summary>How many bytes the next read may bring, after moving a partial frame to the front.</summary>
        private int Room()
        {
            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_buffer.Length - _end < MaxFrameBytes + 4)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            return _buffer.Length - _end;
        }

        private bool Arrived(int got)
        {
            if (got > 0)
            {
                _end += got;
                return true;
            }

            int left = _end - _start;
            if (left == 0)
            {
                return false;
            }

            throw new InvalidDataException(left < 9
                ? "The agent's connection ended inside a frame header."
                : $"The agent's connection ended inside a frame of {ReadUInt32(_start)} bytes.");
        }

        private uint ReadUInt32(int offset) =>
            (uint)(_buffer[offset] | _buffer[offset + 1] << 8 | _buffer[offset + 2] << 16 | _buffer[offset + 3] << 24);

        /// <summary>A whole frame as one array, for one write.</summary>
        public static byte[] Encode(AgentFrameKind kind, uint worker, byte[] payload, int offset, int count)
        {
            if (count < 0 || count > MaxChunkBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(count), $"An agent frame carries at most {MaxChunkBytes} bytes.");
            }

            var frame = new byte[9 + count];
            WriteUInt32(frame, 0, (uint)(5 + count));
            frame[4] = (byte)kind;
            WriteUInt32(frame, 5, worker);
            Buffer.BlockCopy(payload, offset, frame, 9, count);
            return frame;
        }

        public static byte[] Encode(AgentFrameKind kind, uint worker) => Encode(kind, worker, Array.Empty<byte>(), 0, 0);

        public static byte[] Encode(AgentFrameKind kind, uint worker, int value)
        {
            var bytes = new byte[4];
            WriteUInt32(bytes, 0, (uint)value);
            return Encode(kind, worker, bytes, 0, 4);
        }

        private static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
            buffer[offset + 2] = (byte)(value >> 16);
            buffer[offset + 3] = (byte)(value >> 24);
        }
    }
}
