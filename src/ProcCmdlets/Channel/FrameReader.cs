using System;
using System.IO;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Reads length-prefixed frames: a little-endian uint32 length (kind byte plus payload),
    /// the kind byte, then the payload.
    /// </summary>
    internal sealed class FrameReader
    {
        public const int DefaultMaxFrameBytes = 1 << 30;

        private readonly Stream _stream;
        private readonly int _maxFrameBytes;
        private readonly byte[] _header = new byte[5];

        public FrameReader(Stream stream, int maxFrameBytes = DefaultMaxFrameBytes)
        {
            _stream = stream is BufferedStream ? stream : new BufferedStream(stream, 1 << 16);
            _maxFrameBytes = maxFrameBytes;
        }

        /// <summary>Reads the next frame; false at a clean end of stream between frames.</summary>
        /// <exception cref="InvalidDataException">The stream ends inside a frame or a length is out of range.</exception>
        public bool TryRead(out Frame frame)
        {
            frame = default;
            int got = ReadFully(_header, 0, 5);
            if (got == 0)
            {
                return false;
            }

            if (got < 5)
            {
                throw new InvalidDataException("The channel ended inside a frame header.");
            }

            uint length = (uint)(_header[0] | _header[1] << 8 | _header[2] << 16 | _header[3] << 24);
            if (length < 1 || length > (uint)_maxFrameBytes)
            {
                throw new InvalidDataException($"A frame declared {length} bytes, outside 1..{_maxFrameBytes}.");
            }

            var payload = new byte[length - 1];
            if (ReadFully(payload, 0, payload.Length) < payload.Length)
            {
                throw new InvalidDataException($"The channel ended inside a frame of {length} bytes.");
            }

            frame = new Frame((FrameKind)_header[4], payload);
            return true;
        }

        private int ReadFully(byte[] buffer, int offset, int count)
        {
            int total = 0;
            while (total < count)
            {
                int n = _stream.Read(buffer, offset + total, count - total);
                if (n <= 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }
    }
}
