using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ProcCmdlets.Commands
{
    /// <summary>The pools and workers one runspace owns; they end when the runspace closes.</summary>
    internal sealed class SessionRegistry
    {
        private static readonly ConditionalWeakTable<Runspace, SessionRegistry> Table = new ConditionalWeakTable<Runspace, SessionRegistry>();
        private static readonly List<SessionRegistry> All = new List<SessionRegistry>();
        private readonly object _lock = new object();
        private readonly List<ProcessPool> _pools = new List<ProcessPool>();
        private readonly List<WorkerProcess> _workers = new List<WorkerProcess>();
        private int _poolNumber;

        private SessionRegistry(Runspace runspace)
        {
            runspace.StateChanged += (s, e) =>
            {
                var state = e.RunspaceStateInfo.State;
                if (state == RunspaceState.Closing || state == RunspaceState.Closed || state == RunspaceState.Broken)
                {
                    EndAll();
                }
            };
        }

        public static SessionRegistry For(Runspace runspace)
        {
            return Table.GetValue(runspace, r =>
            {
                var registry = new SessionRegistry(r);
                lock (All)
                {
                    All.Add(registry);
                }

                return registry;
            });
        }

        /// <summary>The job source adapter the runspace's job manager made for this module's jobs.</summary>
        public ProcCmdletsJobSourceAdapter? JobAdapter { get; set; }

        public System.Collections.Generic.IEnumerable<WorkerProcess> Workers =>
            JobAdapter?.Jobs.OfType<WorkerProcess>() ?? System.Linq.Enumerable.Empty<WorkerProcess>();

        public string NextPoolName() => "Pool" + Interlocked.Increment(ref _poolNumber);

        public void Add(ProcessPool pool)
        {
            lock (_lock)
            {
                _pools.Add(pool);
            }
        }

        public void Remove(ProcessPool pool)
        {
            lock (_lock)
            {
                _pools.Remove(pool);
            }
        }

        public IReadOnlyList<ProcessPool> Pools
        {
            get
            {
                lock (_lock)
                {
                    return _pools.ToArray();
                }
            }
        }

        public void Add(WorkerProcess worker)
        {
            lock (_lock)
            {
                _workers.RemoveAll(w => w.IsRemoved);
                _workers.Add(worker);
            }
        }

        /// <summary>Ends every pool and worker of this runspace.</summary>
        public void EndAll()
        {
            ProcessPool[] pools;
            WorkerProcess[] workers;
            lock (_lock)
            {
                pools = _pools.ToArray();
                workers = _workers.ToArray();
                _pools.Clear();
                _workers.Clear();
            }

            foreach (ProcessPool pool in pools)
            {
                pool.Terminate();
            }

            foreach (WorkerProcess worker in workers)
            {
                worker.Stop(true);
            }
        }

        /// <summary>Ends everything in every runspace (the module is being removed).</summary>
        public static void EndEverything()
        {
            SessionRegistry[] all;
            lock (All)
            {
                all = All.ToArray();
            }

            foreach (SessionRegistry registry in all)
            {
                registry.EndAll();
            }
        }
    }
}
