using System;

namespace ProcCmdlets.Pools
{
    /// <summary>When an item has run past its result's -TimeoutSeconds.</summary>
    internal static class Timeouts
    {
        /// <summary>
        /// True when the item now due in <paramref name="chunk"/> (the first chunk on its worker) has been
        /// due for longer than its result allows. A chunk that never started counts from when it became
        /// due, so a worker that stopped answering (SIGSTOP, a hung start) is timed out too.
        /// </summary>
        public static bool IsOverdue(Chunk chunk, DateTime now)
        {
            PoolResult result = chunk.Result;
            return result.TimeoutSeconds > 0 && !result.Cancelled && chunk.AbandonedIndex < 0 && !chunk.Finished
                && (now - chunk.ItemDueAt).TotalSeconds > result.TimeoutSeconds;
        }
    }
}
