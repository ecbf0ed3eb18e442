using System;
using System.Collections.Generic;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Decides which items go to which free worker, in chunks of what size. It only changes pool
    /// state and posts frames to workers' outboxes; it runs under the pool's lock and never sends.
    /// </summary>
    internal static class ChunkScheduler
    {
        /// <summary>The longest a chunk is meant to run on a worker, by the measured item time.</summary>
        public const double ChunkSeconds = 0.02;

        /// <summary>Items in the first chunks, before any item time is measured.</summary>
        public const int FirstChunkSize = 16;

        public const int MaxChunkSize = 1024;

        /// <summary>
        /// The least work a chunk is cut to when balancing the end of a map, by the measured item time:
        /// each chunk costs a round trip and a pipeline in the worker, so splitting the last items finer
        /// than this saves less time at the end than the chunks cost.
        /// </summary>
        public const double LeastChunkSeconds = 0.001;

        /// <summary>
        /// How many items the next chunk takes: -ChunkSize when given, else about 20 ms of worker time by
        /// the measured item time, and, while the rest of the work is known (or nothing is measured yet),
        /// never more than a quarter of each worker's share, so the work stays balanced to its end, unless
        /// that share is less than about 1 ms of work (<see cref="LeastChunkSeconds"/>).
        /// </summary>
        public static int ChunkSize(int fixedSize, double secondsPerItem, int pending, bool inputComplete, int workers)
        {
            if (fixedSize > 0)
            {
                return fixedSize;
            }

            int size = secondsPerItem < 0 ? FirstChunkSize : (int)Math.Max(1, Math.Min(MaxChunkSize, ChunkSeconds / Math.Max(secondsPerItem, 1e-7)));
            if (inputComplete || secondsPerItem < 0)
            {
                int share = Math.Max(1, pending / Math.Max(1, 4 * workers));
                int least = secondsPerItem < 0 ? 1 : (int)Math.Ceiling(LeastChunkSeconds / Math.Max(secondsPerItem, 1e-7));
                size = Math.Min(size, Math.Max(share, least));
            }

            return size;
        }

        /// <summary>
        /// True when a second chunk may wait on a worker behind the one it runs, so that the worker
        /// starts it without waiting for a round trip to the session: when chunks are short, or when
        /// at least as many items are still waiting as there are workers (every worker gets more work
        /// either way, so queueing one costs no balance).
        /// </summary>
        public static bool Prefetch(int fixedSize, double secondsPerItem, int pending, bool inputComplete, int workers) =>
            (secondsPerItem >= 0 && secondsPerItem * ChunkSize(fixedSize, secondsPerItem, pending, inputComplete, 1) < 0.1) || pending >= workers;

        /// <summary>
        /// Gives queued items to free workers: the first result with items waiting goes first. It runs
        /// after every chunk end and walks the free workers only (<see cref="FreeWorkers"/>), so a busy
        /// worker costs it nothing; the result to serve and how many chunks a worker may hold are worked
        /// out once per chunk sent, not once per worker.
        /// </summary>
        public static void Assign(FreeWorkers free, int workers, List<PoolResult> results, int maxTasksPerWorker, Func<long> nextChunkId, DateTime now, PoolEffects effects, ShapeWriter? inputShapes = null)
        {
            PoolResult? result = FirstWaiting(results);
            if (result == null)
            {
                return;
            }

            int limit = Limit(result, workers);
            for (int i = 0; i < free.Count && result != null; i++)
            {
                PoolWorker worker = free[i];
                while (worker.InFlight.Count < limit && worker.Ready && !worker.Retiring)
                {
                    int size = ChunkSize(result.FixedChunkSize, result.SecondsPerItem, result.Pending.Count, result.InputComplete, workers);
                    if (maxTasksPerWorker > 0)
                    {
                        size = Math.Min(size, maxTasksPerWorker - worker.Assigned);
                        if (size <= 0)
                        {
                            break;
                        }
                    }

                    Chunk chunk = result.Pending.Take(nextChunkId(), result, size);
                    if (result.DefinedOn.Add(worker))
                    {
                        if (result.Task.Code != null)
                        {
                            worker.Stage(FrameKind.DefineCode, result.Task.Code);
                        }

                        worker.Stage(FrameKind.DefineTask, result.Task.Encoded);
                    }

                    if (inputShapes != null)
                    {
                        SendShapes(worker, inputShapes);
                    }

                    var payload = new PayloadWriter(64 + TotalLength(chunk.Encoded));
                    RunChunk.Write(payload, result.Task.Id, chunk.Id, chunk.Encoded);
                    chunk.ItemDueAt = now;
                    worker.InFlight.AddLast(chunk);
                    worker.LastResult = result;
                    worker.Assigned += chunk.Items.Length;
                    worker.Stage(FrameKind.RunChunk, payload);
                    DebugTrace.Write("pool: chunk {0} of {1} items to worker {2}", chunk.Id, chunk.Items.Length, worker.Client.ProcessId);
                    effects.Flush(worker);

                    // What waits, and so how many chunks a worker may hold, changes only when a chunk is taken.
                    result = FirstWaiting(results);
                    if (result == null)
                    {
                        break;
                    }

                    limit = Limit(result, workers);
                }
            }

            free.Compact();
        }

        /// <summary>Sends the worker the definitions of the input items' shapes it does not have yet, ahead of a chunk whose items may name them.</summary>
        private static void SendShapes(PoolWorker worker, ShapeWriter shapes)
        {
            if (shapes.Count <= worker.InputShapesSent)
            {
                return;
            }

            var payload = new PayloadWriter();
            worker.InputShapesSent = shapes.WriteDefinitions(payload, worker.InputShapesSent);
            worker.Stage(FrameKind.InputShapes, payload);
        }

        /// <summary>How many chunks a worker may hold of <paramref name="result"/>'s: two when one may wait behind the other.</summary>
        private static int Limit(PoolResult result, int workers) =>
            Prefetch(result.FixedChunkSize, result.SecondsPerItem, result.Pending.Count, result.InputComplete, workers) ? FreeWorkers.MostChunks : 1;

        private static PoolResult? FirstWaiting(List<PoolResult> results)
        {
            foreach (PoolResult result in results)
            {
                if (result.Pending.Count > 0 && !result.Cancelled)
                {
                    return result;
                }
            }

            return null;
        }

        private static int TotalLength(byte[][] items)
        {
            int total = 0;
            foreach (byte[] item in items)
            {
                total += item.Length;
            }

            return total;
        }
    }
}
