using System;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// How much of its queue <see cref="FrameWriter"/> writes next: the first <see cref="Length"/>
    /// bytes, or (Length 0) nothing yet, looking again after <see cref="Wait"/>. Records queued after
    /// the last other frame belong to an item still running: they wait for that item's end, up to a
    /// hold limit, so that an item's output and its end reach the other side together, and a worker
    /// that dies cannot leave an item's output without its end.
    /// </summary>
    internal readonly struct BatchCut
    {
        private BatchCut(int length, TimeSpan wait)
        {
            Length = length;
            Wait = wait;
        }

        /// <summary>Bytes to write now, from the start of the queue; 0 to wait.</summary>
        public int Length { get; }

        /// <summary>How long to wait before deciding again when <see cref="Length"/> is 0.</summary>
        public TimeSpan Wait { get; }

        /// <summary>
        /// The decision for a queue of <paramref name="queued"/> bytes whose frames up to
        /// <paramref name="boundary"/> end with a frame other than a record (0: none does), the
        /// records after it having waited <paramref name="held"/>. A flush or a close writes everything.
        /// </summary>
        public static BatchCut Decide(int queued, int boundary, bool flushAll, bool closed, TimeSpan held, TimeSpan holdLimit)
        {
            if (flushAll || closed || boundary >= queued)
            {
                return new BatchCut(queued, TimeSpan.Zero);
            }

            if (boundary > 0)
            {
                return new BatchCut(boundary, TimeSpan.Zero);
            }

            return held < holdLimit ? new BatchCut(0, holdLimit - held) : new BatchCut(queued, TimeSpan.Zero);
        }
    }
}
