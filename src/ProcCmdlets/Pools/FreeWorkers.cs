using System.Collections.Generic;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// The workers that may take another chunk, in the order they became free. A worker leaves when it
    /// holds two chunks (the most any worker holds), retires or exits; it comes back when it becomes
    /// ready or a chunk of its ends. The scheduler walks these rather than the whole pool, so that a
    /// decision among 1,000 busy workers costs what it costs among 2. Changed under the pool's lock.
    /// </summary>
    internal sealed class FreeWorkers
    {
        /// <summary>The most chunks a worker holds: one running and one waiting behind it.</summary>
        public const int MostChunks = 2;

        private readonly List<PoolWorker> _workers = new List<PoolWorker>();

        public int Count => _workers.Count;

        public PoolWorker this[int index] => _workers[index];

        /// <summary>Lists a worker that may have room for a chunk, once.</summary>
        public void Offer(PoolWorker worker)
        {
            if (!worker.Listed && MayTake(worker))
            {
                worker.Listed = true;
                _workers.Add(worker);
            }
        }

        /// <summary>Forgets a worker that has exited.</summary>
        public void Remove(PoolWorker worker)
        {
            worker.Gone = true;
            if (worker.Listed)
            {
                worker.Listed = false;
                _workers.Remove(worker);
            }
        }

        /// <summary>Drops the workers that have no room left, keeping the others' order; it costs the listed workers, not the pool's.</summary>
        public void Compact()
        {
            int kept = 0;
            for (int i = 0; i < _workers.Count; i++)
            {
                PoolWorker worker = _workers[i];
                if (MayTake(worker))
                {
                    _workers[kept++] = worker;
                }
                else
                {
                    worker.Listed = false;
                }
            }

            _workers.RemoveRange(kept, _workers.Count - kept);
        }

        private static bool MayTake(PoolWorker worker) =>
            worker.Ready && !worker.Retiring && !worker.Gone && worker.InFlight.Count < MostChunks;
    }
}
