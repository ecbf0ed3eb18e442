using System;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The entry point of a host agent: the fixed ssh bootstrap runs it with the assembly it loaded,
    /// and it starts and relays that host's workers over the rest of the connection (docs/protocol.md,
    /// "The host agent").
    /// </summary>
    public static class AgentMain
    {
        /// <summary>Serves the connection on standard input and output until it closes; returns the agent's exit status.</summary>
        public static int Run(byte[] image)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            // Nothing else may write to the connection: text written to Console.Out would land between frames.
            Console.SetOut(System.IO.TextWriter.Null);
            Channel.DebugTrace.InWorker();
            Channel.DebugTrace.Write("agent: running {0:N0} ms after its process started", (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds);
            return new HostAgent(Console.OpenStandardInput(), Console.OpenStandardOutput(), image).Run();
        }
    }
}
