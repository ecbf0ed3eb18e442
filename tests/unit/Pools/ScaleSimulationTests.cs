using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>
    /// A pool at scale, simulated (<see cref="ScaleSimulation"/>): what the session spends per item and
    /// per scheduling decision as workers grow. Bounds are on CPU time or on the fastest of many
    /// batches, and generous, because the machine running the tests is shared.
    /// </summary>
    public sealed class ScaleSimulationTests
    {
        private readonly ITestOutputHelper _output;

        public ScaleSimulationTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void AThousandWorkersOnThirtyHostsRunEveryItemAtABoundedCostPerItem()
        {
            // Two workers first, which also warms the JIT up for both.
            double[] two = Enumerable.Range(0, 3).Select(_ => ScaleSimulation.Run(2, 100000)).Select(f =>
            {
                _output.WriteLine(f.ToString());
                return f.CpuMicrosecondsPerItem;
            }).OrderBy(x => x).ToArray();

            // Every item's output arrives (Run checks it) on a pool of 1,020 workers, 34 on each of 30 hosts.
            ScaleFigures many = ScaleSimulation.Run(1020, 100000);
            _output.WriteLine(many.ToString());
            Assert.Equal(30, many.Hosts);
            Assert.Equal(30, many.Locations);

            // Measured on 2 shared cores: 1.0 to 4.2 µs an item with 2 workers, 15 to 20 µs with 1,020. Not
            // flat. Garbage collections (7 pausing 1.1 to 2.0 s, as they stop and scan ~2,000 threads)
            // cost wall time, not this CPU: without any (DOTNET_GCgen0size=0x10000000) it stays 14.8 µs.
            // The CPU goes to chunks: 1,020 workers share 100,000 items in chunks of five on average,
            // and at a fixed chunk size of 16 a chunk costs ~100 µs more with 1,020 workers than with 2,
            // of which the scheduler's walk is 3 to 7 µs; the rest (not broken down further) goes with
            // the two session threads each chunk wakes among ~2,000. The bound only catches a cost that grows faster than that; the issue's
            // target (3x) waits for a worker that no longer has session threads of its own.
            double ratio = many.CpuMicrosecondsPerItem / two[1];
            Assert.True(ratio < 40, $"1,020 workers cost {many.CpuMicrosecondsPerItem:F2} µs an item, {ratio:F1} times 2 workers' {two[1]:F2} µs.");
        }

        [Fact]
        public void ABusyWorkerCostsTheSchedulerFewNanosecondsADecision()
        {
            double two = ScaleSimulation.SchedulerDecisionsPerSecond(2);
            double many = ScaleSimulation.SchedulerDecisionsPerSecond(4080);
            double perWorker = ((1 / many) - (1 / two)) / (4080 - 2) * 1e9;
            _output.WriteLine($"decisions/s: {two:F0} with 2 workers, {many:F0} with 4,080: {perWorker:F1} ns a worker");

            // Every decision walks the workers, most of them busy, so it is O(workers); the bound keeps
            // a busy worker's share at a few field reads. Measured: 5 to 9 ns a worker. Working the call
            // to serve and the chunk limit out again for every worker cost 6 ns once the JIT had
            // optimized it, and 45 ns before (which is when this test saw the difference).
            Assert.True(perWorker < 15, $"A decision costs {perWorker:F1} ns more for every worker ({two:F0} decisions/s with 2 workers, {many:F0} with 4,080).");
        }
    }
}
