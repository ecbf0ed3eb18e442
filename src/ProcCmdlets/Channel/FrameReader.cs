using System;
using System.IO;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Reads length-prefixed frames: a little-endian uint32 length (kind byte plus payload),
    /// the kind byte, then the payload. A payload's buffer grows as its bytes arrive, so a declared
    /// length costs memory only once the other side has sent that much.
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

        /// <summary>The buffer a payload starts in; it doubles as bytes arrive, up to the declared length.</summary>
        private const int FirstPayloadBytes = 64 << 10;

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
            int got = StreamReads.Fully(_stream, _header, 0, 5);
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

            int size = (int)length - 1;
            var payload = new byte[Math.Min(size, FirstPayloadBytes)];
            int filled = 0;
            while (true)
            {
                int wanted = payload.Length - filled;
                if (StreamReads.Fully(_stream, payload, filled, wanted) < wanted)
                {
                    throw new InvalidDataException($"The channel ended inside a frame of {length} bytes.");
                }

                filled = payload.Length;
                if (filled == size)
                {
                    break;
                }

                Array.Resize(ref payload, (int)Math.Min(size, 2L * filled));
            }

            frame = new Frame((FrameKind)_header[4], payload);
            return true;
        }
    }
}
