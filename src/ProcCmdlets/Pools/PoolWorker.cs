using System.Collections.Generic;
using ProcCmdlets.Engine;

namespace ProcCmdlets.Pools
{
    /// <summary>A pool's view of one of its worker processes.</summary>
    internal sealed class PoolWorker
    {
        public PoolWorker(WorkerConnection connection)
        {
            Connection = connection;
        }

        public WorkerConnection Connection { get; }

        /// <summary>Its initialization script has run.</summary>
        public bool Ready { get; set; }

        /// <summary>Its initialization script failed.</summary>
        public bool InitFailed { get; set; }

        /// <summary>Asked to exit (replaced after MaxTasksPerWorker, or the pool closes).</summary>
        public bool Retiring { get; set; }

        /// <summary>Items sent to it so far, for MaxTasksPerWorker.</summary>
        public int Assigned { get; set; }

        public LinkedList<Chunk> InFlight { get; } = new LinkedList<Chunk>();

        /// <summary>
        /// The run of the last chunk sent to it. Console text travels on its own pipe, so a line an item
        /// wrote can arrive after the item's end marker; it still belongs to that run.
        /// </summary>
        public PoolRun LastRun { get; set; }

        /// <summary>Errors its initialization script wrote, for the message if it fails.</summary>
        public List<string> InitErrors { get; } = new List<string>();

        /// <summary>The chunk the reader thread last looked up; only that thread uses it.</summary>
        public Chunk LastSeen { get; set; }

        public Chunk Find(long chunkId)
        {
            foreach (Chunk chunk in InFlight)
            {
                if (chunk.Id == chunkId)
                {
                    return chunk;
                }
            }

            return null;
        }
    }
}
