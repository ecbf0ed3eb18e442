using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Pools;
using ProcCmdlets.Records;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>
    /// A pool of simulated workers (<see cref="SimTransport"/>) on simulated hosts, up to a thousand
    /// workers: what a map costs the session per item, and how many decisions the scheduler takes per
    /// second. Public, so that bench/scenarios/k-Scale.ps1 can run it from the built test assembly.
    /// </summary>
    public static class ScaleSimulation
    {
        /// <summary>Workers per host at most, as a pool of 1,000 workers on 30 hosts has.</summary>
        public const int WorkersPerHost = 34;

        /// <summary>Starts <paramref name="workers"/> simulated workers (34 at most on each host), maps <paramref name="items"/> items, and measures.</summary>
        public static ScaleFigures Run(int workers, int items, int chunkSize = 0)
        {
            int hosts = (workers + WorkersPerHost - 1) / WorkersPerHost;
            int perHost = workers / hosts;
            if (perHost * hosts != workers)
            {
                throw new ArgumentException($"{workers} workers do not divide evenly over {hosts} hosts.", nameof(workers));
            }

            var transports = Enumerable.Range(1, hosts).Select(h => (IWorkerTransport)new SimTransport($"sim{h:D2}.example")).ToArray();
            var pool = new WorkerPool("Sim", perHost, 0, new WorkerSetup(), null, null, transports, null);
            var figures = new ScaleFigures { Workers = workers, Hosts = hosts, Items = items };
            int threadsBefore = Process.GetCurrentProcess().Threads.Count;
            try
            {
                var start = Stopwatch.StartNew();
                pool.Start();
                WaitUntilReady(pool, workers, TimeSpan.FromSeconds(120));
                figures.StartSeconds = start.Elapsed.TotalSeconds;
                figures.Threads = Process.GetCurrentProcess().Threads.Count - threadsBefore;
                Map(pool, items, chunkSize, figures);
                figures.Locations = transports.Count(t => ((SimTransport)t).Started.Any(w => w.Items > 0));
                figures.SchedulerDecisionsPerSecond = MeasureScheduler(pool, TimeSpan.FromSeconds(0.25));
            }
            finally
            {
                pool.Terminate();
            }

            return figures;
        }

        private static void WaitUntilReady(WorkerPool pool, int workers, TimeSpan limit)
        {
            DateTime deadline = DateTime.UtcNow + limit;
            lock (pool.Lock)
            {
                // Each worker's InitDone pulses the pool's lock.
                while (pool.Workers.Count(w => w.Ready) < workers)
                {
                    TimeSpan left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                    {
                        throw new TimeoutException($"{pool.Workers.Count(w => w.Ready)} of {workers} simulated workers were ready after {limit.TotalSeconds} s.");
                    }

                    Monitor.Wait(pool.Lock, left);
                }
            }
        }

        private static void Map(WorkerPool pool, int items, int chunkSize, ScaleFigures figures)
        {
            var encoded = new byte[items][];
            for (int i = 0; i < items; i++)
            {
                var w = new PayloadWriter(16);
                ValueCodec.Write(w, i);
                encoded[i] = w.ToArray();
            }

            var task = new PoolTask(pool.NextTaskId(), TaskMode.Inline, "$_", new(), null, PSLanguageMode.FullLanguage);
            var result = new MapResult(task, chunkSize, 0, false);
            var sink = new CountingSink();
            pool.Register(result);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            TimeSpan pauseBefore = GC.GetTotalPauseDuration();
            int collectionsBefore = GC.CollectionCount(0);
            var wall = Stopwatch.StartNew();
            try
            {
                pool.Change(() =>
                {
                    for (int i = 0; i < items; i++)
                    {
                        result.Pending.Add(result.Submitted++, i, encoded[i]);
                    }

                    result.InputComplete = true;
                });

                // As Invoke-ProcessPoolMap's pipeline thread drains a map.
                DateTime deadline = DateTime.UtcNow.AddMinutes(2);
                while (!result.AllFinished)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"The simulated map did not finish ({result.Finished} of {result.Submitted} items).");
                    }

                    result.Wait(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                    result.Drain(sink, e => throw e.Exception);
                }

                result.Drain(sink, e => throw e.Exception);
            }
            finally
            {
                pool.Unregister(result);
            }

            wall.Stop();
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            figures.Collections = GC.CollectionCount(0) - collectionsBefore;
            figures.GcPauseMilliseconds = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
            if (sink.Output != items || sink.Other > 0)
            {
                throw new InvalidOperationException($"The simulated map wrote {sink.Output} outputs and {sink.Other} other records for {items} items.");
            }

            lock (pool.Lock)
            {
                figures.Chunks = pool.Workers.Sum(w => ((SimWorker)w.Client.Link).Chunks);
            }

            figures.WallSeconds = wall.Elapsed.TotalSeconds;
            figures.CpuMicrosecondsPerItem = cpu.TotalMilliseconds * 1000 / items;
            figures.ItemsPerSecond = items / wall.Elapsed.TotalSeconds;
        }

        /// <summary>
        /// The scheduler alone, in steady state: every one of <paramref name="workers"/> workers has its
        /// two chunks, one finishes, and the scheduler finds that worker and gives it its next chunk.
        /// The workers are pool-side records over one simulated connection; their frames are queued
        /// and never sent, so no thread runs but this one. Decisions per second of CPU time.
        /// </summary>
        public static double SchedulerDecisionsPerSecond(int workers, double minimumSeconds = 0.25)
        {
            using (var client = new ProcCmdlets.Connection.WorkerClient(new SimWorker(0, "sim00.example")))
            {
                var records = Enumerable.Range(0, workers).Select(_ => new PoolWorker(client) { Ready = true }).ToList();
                double result = MeasureScheduler(records, TimeSpan.FromSeconds(minimumSeconds));
                client.Kill();
                return result;
            }
        }

        private static double MeasureScheduler(WorkerPool pool, TimeSpan minimum)
        {
            List<PoolWorker> workers;
            lock (pool.Lock)
            {
                workers = pool.Workers.Select(w => new PoolWorker(w.Client) { Ready = true }).ToList();
            }

            return MeasureScheduler(workers, minimum);
        }

        private static double MeasureScheduler(List<PoolWorker> workers, TimeSpan minimum)
        {
            var task = new PoolTask(1, TaskMode.Inline, "$_", new(), null, PSLanguageMode.FullLanguage);
            var result = new MapResult(task, 16, 0, false);
            byte[] item = new byte[] { 0 };
            long sequence = 0;
            void TopUp()
            {
                // At least as many items waiting as workers, so that every worker keeps two chunks.
                while (result.Pending.Count < 16 * (workers.Count + 1))
                {
                    result.Pending.Add(sequence++, null, item);
                }
            }

            var results = new List<PoolResult> { result };
            var free = new FreeWorkers();
            workers.ForEach(free.Offer);
            long chunkId = 0;
            DateTime now = DateTime.UtcNow;
            // Every worker holds two chunks before the first decision; a map's first items fill them a
            // few hundred chunks at a time.
            while (workers.Exists(w => w.InFlight.Count != 2))
            {
                TopUp();
                ChunkScheduler.Assign(free, workers.Count, results, 0, () => ++chunkId, now, new PoolEffects());
            }

            int index = 0;
            void Decide(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    PoolWorker done = workers[(int)((index++ * 7919L) % workers.Count)];
                    done.InFlight.RemoveFirst();
                    free.Offer(done);
                    TopUp();
                    ChunkScheduler.Assign(free, workers.Count, results, 0, () => ++chunkId, now, new PoolEffects());
                    if (done.InFlight.Count != 2)
                    {
                        throw new InvalidOperationException($"The scheduler did not give the free worker its next chunk ({done.InFlight.Count} chunks, {workers.Count(w => w.InFlight.Count != 2)} of {workers.Count} workers without 2).");
                    }
                }
            }

            // Long enough for the JIT to have compiled the scheduler fully (its first form is many times slower).
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < TimeSpan.FromSeconds(0.5))
            {
                Decide(10);
            }

            // The fastest of many short batches: a batch that another process interrupted, or that a
            // garbage collection stopped, is slower, never faster, than the scheduler itself.
            double best = double.MaxValue;
            var wall = Stopwatch.StartNew();
            while (wall.Elapsed < minimum)
            {
                long before = Stopwatch.GetTimestamp();
                Decide(10);
                best = Math.Min(best, (double)(Stopwatch.GetTimestamp() - before) / Stopwatch.Frequency);
            }

            return 10 / best;
        }

        private sealed class CountingSink : IRecordSink
        {
            public int Output;
            public int Other;

            public void Write(StreamKind stream, object? record)
            {
                if (stream == StreamKind.Output)
                {
                    Output++;
                }
                else
                {
                    Other++;
                }
            }
        }
    }
}
