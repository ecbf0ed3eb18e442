using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// One map's or apply's work on a pool, called its result [AsyncResult]: its items waiting to be sent, and
    /// where their records go. The pool changes its queue under its lock; the On* callbacks come on
    /// worker reader threads or the pipeline thread, never under the pool's lock, and must not block.
    /// </summary>
    internal abstract class PoolResult
    {
        private double _secondsPerItem = -1;

        protected PoolResult(PoolTask task, int fixedChunkSize, int timeoutSeconds)
        {
            Task = task;
            FixedChunkSize = fixedChunkSize;
            TimeoutSeconds = timeoutSeconds;
        }

        public PoolTask Task { get; }

        /// <summary>-ChunkSize, or 0 to let the scheduler choose.</summary>
        public int FixedChunkSize { get; }

        public int TimeoutSeconds { get; }

        /// <summary>Its results are no longer wanted (stopped, or ended with an error).</summary>
        public volatile bool Cancelled;

        /// <summary>All input has been queued (so the queue holds the rest of the work).</summary>
        public bool InputComplete { get; set; }

        public ItemQueue Pending { get; } = new ItemQueue();

        /// <summary>Workers that have this result's task defined.</summary>
        public HashSet<PoolWorker> DefinedOn { get; } = new HashSet<PoolWorker>();

        /// <summary>Measured seconds per item (a moving average), or -1 before the first chunk ends.</summary>
        public double SecondsPerItem => _secondsPerItem;

        public void RecordTiming(Chunk chunk, DateTime now)
        {
            if (!chunk.Started || chunk.Items.Length == 0)
            {
                return;
            }

            double perItem = (now - chunk.StartedAt).TotalSeconds / chunk.Items.Length;
            _secondsPerItem = _secondsPerItem < 0 ? perItem : (0.7 * _secondsPerItem) + (0.3 * perItem);
        }

        /// <summary>A record an item wrote, already decoded (an undecodable one arrives as an error record).</summary>
        public abstract void OnRecord(Chunk chunk, int index, StreamKind stream, object? record);

        /// <summary>A record as read from <paramref name="worker"/>, with its size on the channel (for back-pressure).</summary>
        public virtual void OnRecord(PoolWorker worker, Chunk chunk, int index, StreamKind stream, object? record, int bytes) =>
            OnRecord(chunk, index, stream, record);

        /// <summary>
        /// A run of one chunk's output records and successful item ends, in the order they happened,
        /// with the size on the channel of the frame that carried them: by default told one at a time.
        /// </summary>
        public virtual void OnResults(PoolWorker worker, Chunk chunk, List<ResultEntry> entries, int bytes)
        {
            foreach (ResultEntry entry in entries)
            {
                if (entry.IsDone)
                {
                    OnItemDone(chunk, entry.Index, false);
                }
                else
                {
                    OnRecord(worker, chunk, entry.Index, entry.Stream, entry.Value, bytes);
                    bytes = 0;
                    if (entry.EndsItem)
                    {
                        OnItemDone(chunk, entry.Index, false);
                    }
                }
            }
        }

        /// <summary>An item has finished; <paramref name="failed"/> when it ended with a terminating error.</summary>
        public abstract void OnItemDone(Chunk chunk, int index, bool failed);

        /// <summary>An item ended without finishing (its worker crashed or it timed out).</summary>
        public abstract void OnItemFailed(Chunk chunk, int index, ErrorRecord error);

        /// <summary>The pool can no longer run this result's items.</summary>
        public abstract void OnFatal(ErrorRecord error);

        /// <summary>Console text from a worker while it ran this result's items.</summary>
        public abstract void OnConsoleLine(string line, int processId);
    }
}
