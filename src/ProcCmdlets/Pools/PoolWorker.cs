using System.Collections.Concurrent;
using System.Collections.Generic;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Pools
{
    /// <summary>A pool's view of one of its workers. Its fields change under the pool's lock, except where noted.</summary>
    internal sealed class PoolWorker
    {
        private readonly ConcurrentQueue<KeyValuePair<FrameKind, byte[]>> _outbox = new ConcurrentQueue<KeyValuePair<FrameKind, byte[]>>();
        private readonly object _sendLock = new object();

        public PoolWorker(WorkerClient client)
        {
            Client = client;
        }

        public WorkerClient Client { get; }

        /// <summary>The host it runs on, in a pool on other machines; null for a local worker.</summary>
        public HostSlot? Host { get; set; }

        /// <summary>Its initialization script has run.</summary>
        public bool Ready { get; set; }

        /// <summary>Its initialization script failed.</summary>
        public bool InitFailed { get; set; }

        /// <summary>Asked to exit (replaced after MaxTasksPerWorker, or the pool closes).</summary>
        public bool Retiring { get; set; }

        /// <summary>
        /// Killed by the pool for an item past its timeout. The session may read its frames late: by the
        /// time the kill lands it may have finished that chunk and begun the next, whose item it was
        /// running did not crash it and goes back to be run again.
        /// </summary>
        public bool TimedOut { get; set; }

        /// <summary>Among the pool's <see cref="FreeWorkers"/>.</summary>
        public bool Listed { get; set; }

        /// <summary>Its process exited and the pool let it go; it takes nothing more.</summary>
        public bool Gone { get; set; }

        /// <summary>Items sent to it so far, for MaxTasksPerWorker.</summary>
        public int Assigned { get; set; }

        public LinkedList<Chunk> InFlight { get; } = new LinkedList<Chunk>();

        /// <summary>
        /// The result of the last chunk sent to it. Console text travels on its own pipe, so a line an item
        /// wrote can arrive after the item's end marker; it still belongs to that result.
        /// </summary>
        public PoolResult? LastResult { get; set; }

        /// <summary>Errors its initialization script wrote, for the message if it fails.</summary>
        public List<string> InitErrors { get; } = new List<string>();

        /// <summary>The row shapes it defined; only its reader thread uses them.</summary>
        public ShapeTable Shapes { get; } = new ShapeTable();

        /// <summary>How many of the pool's input shapes (<see cref="WorkerPool.InputShapes"/>) it has been sent; changed under the pool's lock.</summary>
        public int InputShapesSent { get; set; }

        /// <summary>The chunk the reader thread last looked up; only that thread uses it.</summary>
        public Chunk? LastSeen { get; set; }

        public Chunk? Find(long chunkId)
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

        /// <summary>Queues a frame for <see cref="Flush"/>; called under the pool's lock, so frames keep the order of the decisions.</summary>
        public void Stage(FrameKind kind, byte[] payload) => _outbox.Enqueue(new KeyValuePair<FrameKind, byte[]>(kind, payload));

        /// <inheritdoc cref="Stage(FrameKind, byte[])"/>
        public void Stage(FrameKind kind, PayloadWriter payload) => Stage(kind, payload.ToArray());

        /// <summary>Sends what was staged, in order; called without the pool's lock. It never waits for the worker.</summary>
        public void Flush()
        {
            lock (_sendLock)
            {
                while (_outbox.TryDequeue(out var frame))
                {
                    Client.TryPost(frame.Key, frame.Value);
                }
            }
        }
    }
}
