using System.IO;

namespace ProcCmdlets.Channel
{
    /// <summary>Reads of a stream that a frame reader needs whole.</summary>
    internal static class StreamReads
    {
        /// <summary>Reads until <paramref name="count"/> bytes have come or the stream ends; returns how many came.</summary>
        public static int Fully(Stream stream, byte[] buffer, int offset, int count)
        {
            int total = 0;
            while (total < count)
            {
                int n = stream.Read(buffer, offset + total, count - total);
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
