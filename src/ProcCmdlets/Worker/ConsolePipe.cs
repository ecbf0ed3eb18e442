using System;
using System.IO;

namespace ProcCmdlets.Worker
{
    /// <summary>The worker's console pipe (standard error), which the session reads line by line beside the channel.</summary>
    internal static class ConsolePipe
    {
        /// <summary>
        /// Writes a line of the module's own (a console-sync marker, a failure's reason) straight to the
        /// pipe, past any redirection of [Console]::Error.
        /// </summary>
        public static void WriteLine(string line)
        {
            try
            {
                using (Stream console = Console.OpenStandardError())
                {
                    byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
                    console.Write(bytes, 0, bytes.Length);
                    console.Flush();
                }
            }
            catch (Exception)
            {
                // No console pipe: a sync's session stops waiting when the worker exits; a failure's exit status still tells.
            }
        }
    }
}
