using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>What a new pool is made of, as New-ProcessPool's parameters say it (a map's or an apply's own pool uses some of them).</summary>
    internal sealed class PoolSpec
    {
        /// <summary>Workers in all, or on each host of <see cref="Transports"/>.</summary>
        public int ProcessCount { get; set; }

        /// <summary>The pool's name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The script each worker runs once before its first item, or null.</summary>
        public ScriptBlock? Initialization { get; set; }

        /// <summary>The arguments of <see cref="Initialization"/>.</summary>
        public object?[]? InitializationArguments { get; set; }

        /// <summary>Items a worker runs before a fresh process replaces it; 0 for no limit.</summary>
        public int MaxTasksPerWorker { get; set; }

        /// <summary>Session functions to define in each worker.</summary>
        public string[]? Functions { get; set; }

        /// <summary>Modules to import in each worker.</summary>
        public string[]? Modules { get; set; }

        /// <summary>Where the workers start: hosts reached over SSH; null for local processes.</summary>
        public IReadOnlyList<IWorkerTransport>? Transports { get; set; }
    }
}
