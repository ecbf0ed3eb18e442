namespace ProcCmdlets.Pools
{
    /// <summary>
    /// The bytes of records a drain has written (or set aside), told to their worker's
    /// <see cref="RecordFlow"/> in batches rather than per record: the flow's lock is the one the
    /// reader threads take for every record they queue, and taking it per record on the pipeline
    /// thread as well made the two wait on each other. A batch goes at the end of every drain and
    /// whenever it reaches <see cref="BatchBytes"/> or <see cref="BatchRecords"/>, far below the
    /// flow's low water mark, so a paused worker is resumed as soon as before, give or take a batch.
    /// Used by the draining thread only.
    /// </summary>
    internal sealed class DeliveredBytes
    {
        /// <summary>Bytes after which a batch goes at once.</summary>
        public const int BatchBytes = 64 << 10;

        /// <summary>Records after which a batch goes at once.</summary>
        public const int BatchRecords = 256;

        private RecordFlow? _flow;
        private int _bytes;
        private int _records;

        public void Add(RecordFlow flow, int bytes)
        {
            if (!ReferenceEquals(flow, _flow))
            {
                Flush();
                _flow = flow;
            }

            _bytes += bytes;
            if (++_records >= BatchRecords || _bytes >= BatchBytes)
            {
                Flush();
            }
        }

        public void Flush()
        {
            if (_flow != null && _records > 0)
            {
                _flow.Delivered(_bytes);
            }

            _flow = null;
            _bytes = 0;
            _records = 0;
        }
    }
}
