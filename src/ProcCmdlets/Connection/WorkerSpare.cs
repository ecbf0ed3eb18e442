using System;
using System.Collections.Generic;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// The session's warm spare for local workers: after the module's first worker start, one idle
    /// worker is kept ready, so that the next start gives its first output at once. Setting
    /// <c>$ProcCmdletsWarmSpare = $false</c> turns it off.
    /// </summary>
    internal static class WorkerSpare
    {
        public const string PreferenceVariable = "ProcCmdletsWarmSpare";
        private static readonly WarmSpare Local = new WarmSpare(LocalProcessTransport.Instance, TimeSpan.FromMilliseconds(750));

        /// <summary>A worker for a new start: the spare when there is one, else a fresh process.</summary>
        public static WorkerClient Take(string workingDirectory, out List<KeyValuePair<string, string>> environmentChanges) =>
            Local.Take(workingDirectory, out environmentChanges);

        /// <summary>Schedules a new spare after a quiet period (when enabled).</summary>
        public static void Replenish(bool enabled) => Local.Replenish(enabled);

        public static void Forget(WorkerClient connection) => Local.Forget(connection);

        /// <summary>Ends the spare and cancels any planned one.</summary>
        public static void Clear() => Local.Clear();
    }
}
