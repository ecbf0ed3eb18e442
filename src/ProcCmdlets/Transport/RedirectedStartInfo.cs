using System.Diagnostics;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>How every process carrying a channel starts: no shell, no window, all three streams redirected, its console read as UTF-8.</summary>
    internal static class RedirectedStartInfo
    {
        public static ProcessStartInfo Create(string fileName, string arguments) => new ProcessStartInfo(fileName, arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardErrorEncoding = new UTF8Encoding(false),
        };
    }
}
