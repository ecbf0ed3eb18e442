using ProcCmdlets.Channel;
using ProcCmdlets.Records;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Settles a dead worker's chunks (under the pool's lock): the item it was running gives a
    /// WorkerCrashed error, unless the worker was ended on purpose or the item was already answered
    /// (timed out); every later item goes back to the front of its result's queue. No item is lost,
    /// and none yields results twice.
    /// </summary>
    internal static class CrashBlame
    {
        public static void Settle(PoolWorker worker, bool intentional, PoolEffects effects)
        {
            bool blamed = false;
            foreach (Chunk chunk in worker.InFlight)
            {
                PoolResult result = chunk.Result;
                if (result.Cancelled || chunk.Finished)
                {
                    // Finished (its ChunkDone was on the way) or no longer wanted.
                    continue;
                }

                int from = chunk.Done;
                if (chunk.AbandonedIndex >= 0)
                {
                    from = chunk.AbandonedIndex + 1;
                    blamed = true;
                }
                else if (!blamed && chunk.Started && !intentional)
                {
                    // Items run in order, so the first unfinished item of the first started chunk was running.
                    int index = chunk.Done;
                    var client = worker.Client;
                    string tail = client.ConsoleTail();
                    var error = client.ChannelFault != null
                        ? Errors.ChannelCorrupt($"The channel to the worker process {client.ProcessId}{OnHost(client.Location)} failed while it ran this item, so the worker was ended: {client.ChannelFault}", chunk.Items[index])
                        : Errors.WorkerCrashed(
                        $"The worker process {client.ProcessId}{OnHost(client.Location)} ended with exit status {client.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} while running this item." +
                        (tail.Length > 0 ? " Its last console output: " + tail : string.Empty) + SshSaid(client), chunk.Items[index]);
                    effects.Callback(() => result.OnItemFailed(chunk, index, error));
                    DebugTrace.Write("pool: worker {0} blamed for item {1} of chunk {2}; {3} items after it go back to the queue", client.ProcessId, index, chunk.Id, chunk.Items.Length - index - 1);
                    from = index + 1;
                    blamed = true;
                }

                result.Pending.Requeue(chunk, from);
            }

            worker.InFlight.Clear();
        }

        /// <summary>What ssh said about a lost connection (a timeout, a reset), for a worker on another host.</summary>
        private static string SshSaid(Connection.WorkerClient client)
        {
            if (!(client.Link is Transport.IHostLink link) || link.Messages.Length == 0)
            {
                return string.Empty;
            }

            string[] messages = link.Messages;
            string last = messages[messages.Length - 1];
            return last.StartsWith(link.HostWrote, System.StringComparison.Ordinal) ? " " + last : " ssh: " + last;
        }

        private static string OnHost(string location) =>
            location == null || location == System.Environment.MachineName ? string.Empty : " on " + location;
    }
}
