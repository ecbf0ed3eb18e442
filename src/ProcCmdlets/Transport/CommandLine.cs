using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Quotes arguments for a ProcessStartInfo.Arguments line, which .NET splits with the Windows C
    /// runtime's rules on every platform (and a Windows program splits the same way): inside quotes,
    /// backslashes are literal except before a quote, so the ones that come before a quote (or
    /// before the closing one) are doubled.
    /// </summary>
    internal static class CommandLine
    {
        private static readonly char[] NeedQuotes = { ' ', '\t', '"', '\\' };

        /// <summary>The argument in quotes.</summary>
        public static string Quote(string argument)
        {
            var line = new StringBuilder();
            Append(line, argument, always: true);
            return line.ToString();
        }

        /// <summary>Appends the argument, in quotes only when it needs them.</summary>
        public static void Append(StringBuilder line, string argument, bool always = false)
        {
            if (!always && argument.Length > 0 && argument.IndexOfAny(NeedQuotes) < 0)
            {
                line.Append(argument);
                return;
            }

            line.Append('"');
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                line.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
                backslashes = 0;
                line.Append(c);
            }

            line.Append('\\', backslashes * 2);
            line.Append('"');
        }
    }
}
