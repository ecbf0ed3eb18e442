namespace ProcCmdlets.Tests.Pools
{
    /// <summary>What one run of <see cref="ScaleSimulation"/> measured.</summary>
    public sealed class ScaleFigures
    {
        public int Workers { get; set; }

        public int Hosts { get; set; }

        /// <summary>Hosts whose workers ran items.</summary>
        public int Locations { get; set; }

        public int Items { get; set; }

        /// <summary>From the pool's start until every worker was ready.</summary>
        public double StartSeconds { get; set; }

        /// <summary>Session threads the workers added (started and ready, before the map).</summary>
        public int Threads { get; set; }

        /// <summary>Chunks the map was cut into: the scheduler's decisions during the map.</summary>
        public int Chunks { get; set; }

        /// <summary>Garbage collections during the map (each one stops and scans every thread).</summary>
        public int Collections { get; set; }

        public double GcPauseMilliseconds { get; set; }

        public double WallSeconds { get; set; }

        public double ItemsPerSecond { get; set; }

        /// <summary>The process's CPU time during the map, per item: the session's cost (the simulated workers' is a few frames' encoding).</summary>
        public double CpuMicrosecondsPerItem { get; set; }

        /// <summary>Decisions per second of the scheduler alone, in steady state (all workers busy, one frees).</summary>
        public double SchedulerDecisionsPerSecond { get; set; }

        public override string ToString() =>
            $"{Workers} workers on {Hosts} hosts: {CpuMicrosecondsPerItem:F2} us CPU/item, {ItemsPerSecond:F0} items/s, {Chunks} chunks in {WallSeconds:F2} s, {SchedulerDecisionsPerSecond:F0} decisions/s, {Threads} threads (started and ready in {StartSeconds:F1} s), {Collections} GCs pausing {GcPauseMilliseconds:F0} ms";
    }
}
