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
        /// <summary>The variable that turns the spare off when <c>$false</c>.</summary>
        public const string PreferenceVariable = "ProcCmdletsWarmSpare";

        private static readonly WarmSpare Local = new WarmSpare(LocalProcessTransport.Instance, TimeSpan.FromMilliseconds(750));

        /// <inheritdoc cref="WarmSpare.Take"/>
        public static WorkerClient Take(string? workingDirectory, ISharedFrames shared, out List<KeyValuePair<string, string?>> environmentChanges) =>
            Local.Take(workingDirectory, out environmentChanges, shared);

        /// <inheritdoc cref="WarmSpare.Replenish"/>
        public static void Replenish(bool enabled, ISharedFrames shared) => Local.Replenish(enabled, shared);

        /// <inheritdoc cref="WarmSpare.Forget"/>
        public static void Forget(WorkerClient connection) => Local.Forget(connection);

        /// <summary>Ends the spare and cancels any planned one.</summary>
        public static void Clear() => Local.Clear();
    }
}
