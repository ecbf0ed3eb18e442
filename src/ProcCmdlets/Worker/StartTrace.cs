using System;
using System.Diagnostics;

namespace ProcCmdlets.Worker
{
    /// <summary>With PROCCMDLETS_WORKER_TRACE set, a worker writes how long each start phase took to its console.</summary>
    internal static class StartTrace
    {
        private static readonly bool Enabled = Environment.GetEnvironmentVariable("PROCCMDLETS_WORKER_TRACE") != null;

        public static void Mark(string phase)
        {
            if (Enabled)
            {
                Process self = Process.GetCurrentProcess();
                var elapsed = DateTime.Now - self.StartTime;
                Console.Error.WriteLine($"start trace: {phase} at {elapsed.TotalMilliseconds:N0} ms ({self.TotalProcessorTime.TotalMilliseconds:N0} ms CPU)");
            }
        }
    }
}
