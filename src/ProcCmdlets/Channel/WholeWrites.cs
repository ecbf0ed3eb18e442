using System.IO;

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
            int atomicBytes = WholeWriteBytes;
            int start = 0;
            while (start < length)
            {
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

                int end = lastBoundary > start && position < length ? lastBoundary : position;
                stream.Write(batch, start, end - start);
                start = end;
            }
        }
    }
}
