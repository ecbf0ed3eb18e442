using System;
using System.IO;

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
        private readonly byte[] _header = new byte[9];

        public AgentFrameReader(Stream stream)
        {
            _stream = stream is BufferedStream ? stream : new BufferedStream(stream, 1 << 16);
        }

        /// <summary>Reads the next frame; false at a clean end of stream between frames.</summary>
        /// <exception cref="InvalidDataException">The stream ends inside a frame, or a length or kind is not one the protocol has.</exception>
        public bool TryRead(out AgentFrame frame)
        {
            frame = default;
            int got = StreamReads.Fully(_stream, _header, 0, 4);
            if (got == 0)
            {
                return false;
            }

            if (got < 4)
            {
                throw new InvalidDataException("The agent's connection ended inside a frame header.");
            }

            uint length = (uint)(_header[0] | _header[1] << 8 | _header[2] << 16 | _header[3] << 24);
            if (length < 5 || length > MaxFrameBytes)
            {
                throw new InvalidDataException($"An agent frame declared {length} bytes, outside 5..{MaxFrameBytes}.");
            }

            if (StreamReads.Fully(_stream, _header, 4, 5) < 5)
            {
                throw new InvalidDataException("The agent's connection ended inside a frame header.");
            }

            var kind = (AgentFrameKind)_header[4];
            if (!Enum.IsDefined(typeof(AgentFrameKind), kind))
            {
                throw new InvalidDataException($"An agent frame has the unknown kind {_header[4]}.");
            }

            uint worker = (uint)(_header[5] | _header[6] << 8 | _header[7] << 16 | _header[8] << 24);
            var payload = new byte[length - 5];
            if (StreamReads.Fully(_stream, payload, 0, payload.Length) < payload.Length)
            {
                throw new InvalidDataException($"The agent's connection ended inside a frame of {length} bytes.");
            }

            frame = new AgentFrame(kind, worker, payload);
            return true;
        }

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
