using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Pools;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>The workers the scheduler walks: who is listed, in what order, and who never is again.</summary>
    public sealed class FreeWorkersTests : IDisposable
    {
        private readonly WorkerClient _client = new WorkerClient(new SimWorker(0, "sim00.example"));
        private readonly MapResult _result = new MapResult(new PoolTask(1, TaskMode.Inline, "$_", new(), null, PSLanguageMode.FullLanguage), 1, 0, false);
        private long _chunkId;

        public void Dispose()
        {
            _client.Kill();
            _client.Dispose();
        }

        [Fact]
        public void AReadyWorkerIsListedOnceInTheOrderItWasOffered()
        {
            var free = new FreeWorkers();
            PoolWorker a = Worker(), b = Worker(), starting = Worker(ready: false);
            free.Offer(b);
            free.Offer(a);
            free.Offer(b);
            free.Offer(starting);

            Assert.Equal(new[] { b, a }, Listed(free));
        }

        [Fact]
        public void CompactingDropsFullAndRetiringWorkersAndKeepsTheOthersInOrder()
        {
            var free = new FreeWorkers();
            PoolWorker full = Worker(), retiring = Worker(), one = Worker(), idle = Worker();
            foreach (PoolWorker worker in new[] { full, retiring, one, idle })
            {
                free.Offer(worker);
            }

            Hold(full, 2);
            Hold(one, 1);
            retiring.Retiring = true;
            free.Compact();
            Assert.Equal(new[] { one, idle }, Listed(free));

            // Its chunk ended: it comes back, behind those already free.
            full.InFlight.RemoveFirst();
            free.Offer(full);
            Assert.Equal(new[] { one, idle, full }, Listed(free));
        }

        [Fact]
        public void AWorkerThatExitedIsNeverListedAgain()
        {
            var free = new FreeWorkers();
            PoolWorker gone = Worker(), other = Worker();
            free.Offer(gone);
            free.Offer(other);
            free.Remove(gone);
            free.Offer(gone);

            Assert.Equal(new[] { other }, Listed(free));
        }

        [Fact]
        public void TheSchedulerGivesTheWorkerThatWasFreedItsChunkAndNothingToOneThatExited()
        {
            var free = new FreeWorkers();
            PoolWorker gone = Worker(), busy = Worker(), freed = Worker();
            foreach (PoolWorker worker in new[] { gone, busy, freed })
            {
                free.Offer(worker);
            }

            free.Remove(gone);
            for (int i = 0; i < 100; i++)
            {
                _result.Pending.Add(i, i, new byte[] { 0 });
            }

            var results = new List<PoolResult> { _result };
            ChunkScheduler.Assign(free, 3, results, 0, () => ++_chunkId, DateTime.UtcNow, new PoolEffects());
            Assert.Equal(new[] { 0, 2, 2 }, new[] { gone.InFlight.Count, busy.InFlight.Count, freed.InFlight.Count });
            Assert.Equal(0, free.Count);

            freed.InFlight.RemoveFirst();
            free.Offer(freed);
            ChunkScheduler.Assign(free, 3, results, 0, () => ++_chunkId, DateTime.UtcNow, new PoolEffects());
            Assert.Equal(new[] { 0, 2, 2 }, new[] { gone.InFlight.Count, busy.InFlight.Count, freed.InFlight.Count });
            Assert.Equal(100 - 5, _result.Pending.Count);
        }

        private static PoolWorker[] Listed(FreeWorkers free) => Enumerable.Range(0, free.Count).Select(i => free[i]).ToArray();

        private PoolWorker Worker(bool ready = true) => new PoolWorker(_client) { Ready = ready };

        private void Hold(PoolWorker worker, int chunks)
        {
            for (int i = 0; i < chunks; i++)
            {
                worker.InFlight.AddLast(new Chunk(++_chunkId, _result, Array.Empty<long>(), Array.Empty<object?>(), Array.Empty<byte[]>()));
            }
        }
    }
}
