using System.IO;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>How <see cref="FrameWriter"/> cuts a batch of frames into writes.</summary>
    internal static class WholeWrites
    {
        private static readonly int WholeWriteBytes = PipeAtomicity.WholeWriteBytes(OSFamilies.Current);

        /// <summary>
        /// Writes a batch of frames in pieces the operating system writes whole (at most PIPE_BUF: see <see cref="PipeAtomicity"/>),
        /// each ending after an item marker where one fits, so that a process killed during a write
        /// never leaves the reader an item's records without the item's end.
        /// </summary>
        public static void Write(Stream stream, byte[] batch, int length)
        {
            for (int start = 0, end; start < length; start = end)
            {
                end = PieceEnd(batch, start, length);
                stream.Write(batch, start, end - start);
            }
        }

        /// <summary>As <see cref="Write"/>, with asynchronous writes (the same pieces, in order, one at a time).</summary>
        public static async Task WriteAsync(Stream stream, byte[] batch, int length)
        {
            for (int start = 0, end; start < length; start = end)
            {
                end = PieceEnd(batch, start, length);
                await stream.WriteAsync(batch, start, end - start).ConfigureAwait(false);
            }
        }

        /// <summary>Where the piece that begins at <paramref name="start"/> ends.</summary>
        private static int PieceEnd(byte[] batch, int start, int length)
        {
            int atomicBytes = WholeWriteBytes;
            int position = start;
            int lastBoundary = -1;
            while (position < length)
            {
                int frameLength = 4 + (int)(uint)(batch[position] | batch[position + 1] << 8 | batch[position + 2] << 16 | batch[position + 3] << 24);
                if (position + frameLength - start > atomicBytes && position > start)
                {
                    break;
                }

                position += frameLength;
                if ((FrameKind)batch[position - frameLength + 4] != FrameKind.Record)
                {
                    lastBoundary = position;
                }
            }

            return lastBoundary > start && position < length ? lastBoundary : position;
        }
    }
}
