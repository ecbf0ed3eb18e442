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

            // Measured on 2 shared cores: 1.0 to 4.8 µs an item with 2 workers (the first run of three
            // pays the JIT), 2.6 µs with 1,020, whose 30 hosts' workers share 4 session threads. The
            // bench row (k1) holds the target of 3x; this bound is looser because the median of
            // three 2-worker runs on a shared machine can itself be as low as 1.0 µs.
            double ratio = many.CpuMicrosecondsPerItem / two[1];
            Assert.True(ratio < 10, $"1,020 workers cost {many.CpuMicrosecondsPerItem:F2} µs an item, {ratio:F1} times 2 workers' {two[1]:F2} µs.");
        }

        [Fact]
        public void ADecisionAmongFourThousandBusyWorkersCostsAboutWhatItCostsAmongTwo()
        {
            double two = ScaleSimulation.SchedulerDecisionsPerSecond(2);
            double many = ScaleSimulation.SchedulerDecisionsPerSecond(4080);
            _output.WriteLine($"decisions/s: {two:F0} with 2 workers, {many:F0} with 4,080 ({many / two:F2}x)");

            // A decision walks the free workers only, so busy ones cost it nothing. Measured: 0.71x
            // (2.0 million decisions/s against 2.8 million; what remains is the cache misses of a
            // worker picked among 4,080). Walking every worker cost 22 to 27 µs a decision at 4,080
            // workers, about 0.015x, and 0.17x at the bench's 1,020.
            Assert.True(many / two > 0.33, $"{many:F0} decisions/s with 4,080 workers, {many / two:F2}x 2 workers' {two:F0}.");
        }
    }
}
