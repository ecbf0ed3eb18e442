using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// One host of a pool that runs on other machines: its workers, the connections waiting to be
    /// made, and how its recent connections went (for the back-off and for errors). Changed under
    /// the pool's lock.
    /// </summary>
    internal sealed class HostSlot
    {
        public HostSlot(IWorkerTransport transport)
        {
            Transport = transport;
        }

        public IWorkerTransport Transport { get; }

        public string Location => Transport.Location;

        public List<PoolWorker> Workers { get; } = new List<PoolWorker>();

        /// <summary>Connections decided on but not made yet (waiting for their back-off).</summary>
        public int Pending { get; set; }

        /// <summary>Connections in a row that ended before the worker greeted.</summary>
        public int Failures { get; set; }

        /// <summary>Why the last of them failed, in ssh's words.</summary>
        public string? LastFailure { get; set; }

        /// <summary>Its connection has answered (<see cref="RemoteHosts.OnHostAnswered"/>), or a worker on it has become ready, at least once.</summary>
        public bool Answered { get; set; }

        /// <summary>Left out of the pool: it did not answer when the pool started.</summary>
        public bool Dropped { get; set; }

        /// <summary>ssh's messages of its first connection, for the cmdlet that creates the pool.</summary>
        public string[]? Messages { get; set; }

        /// <summary>The timer of a delayed connection; kept so it is not collected before it fires.</summary>
        public Timer? Retry { get; set; }

        /// <summary>Workers it has or will have: those not retiring, and the connections pending.</summary>
        public int Live => Pending + Workers.Count(w => !w.Retiring);
    }
}
