using System.IO;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// On .NET Framework a redirected standard input is a StreamWriter in the console's input
    /// encoding that writes its preamble at once: with the UTF-8 code page (<c>chcp 65001</c>, the
    /// "Beta: UTF-8" setting, a profile that sets <c>[Console]::InputEncoding</c>) the channel starts
    /// with EF BB BF before the first frame. A worker started by such a session skips it. Only
    /// those workers do: the bytes could also begin a frame length (12.5 MB or more), so a worker
    /// that no such session started never guesses.
    /// </summary>
    internal static class ByteOrderMark
    {
        /// <summary>The stream without a leading UTF-8 byte-order mark (reads up to three bytes now).</summary>
        public static Stream Skip(Stream input)
        {
            var head = new byte[3];
            int count = 0;
            while (count < head.Length)
            {
                int read = input.Read(head, count, head.Length - count);
                if (read <= 0)
                {
                    break;
                }

                count += read;
            }

            if (count == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
            {
                return input;
            }

            return new PrefixedStream(head, count, input);
        }
    }
}
