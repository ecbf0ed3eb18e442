using System;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Back-pressure for one worker's records in one call: counts the bytes of records the session
    /// has read but the pipeline thread has not yet written, pauses the worker's producers above
    /// <see cref="HighWaterBytes"/> and resumes them at <see cref="LowWaterBytes"/>. The reader thread
    /// never blocks for it: it keeps reading, so item ends and console syncs still flow.
    /// </summary>
    internal sealed class RecordFlow
    {
        /// <summary>Frame bytes waiting in the session before the worker is paused; 1-KB strings take about 2.5 times as much once read.</summary>
        public const long HighWaterBytes = 4 << 20;

        public const long LowWaterBytes = 1 << 20;

        private readonly WorkerClient _client;
        private readonly object _lock = new object();
        private long _waiting;
        private bool _paused;
        private bool _released;

        public RecordFlow(WorkerClient client)
        {
            _client = client;
        }

        /// <summary>Bytes read from the worker and not yet written by the pipeline thread.</summary>
        public long WaitingBytes => _waiting;

        /// <summary>Times the worker was paused, for tests and diagnostics.</summary>
        public int Pauses { get; private set; }

        /// <summary>A record was read (reader thread).</summary>
        public void Received(int bytes)
        {
            lock (_lock)
            {
                _waiting += bytes;
                if (!_paused && !_released && _waiting > HighWaterBytes)
                {
                    _paused = true;
                    Pauses++;
                    _client.TryPost(FrameKind.PauseRecords, Array.Empty<byte>());
                }
            }
        }

        /// <summary>A record was written, or set aside to keep the items' order (pipeline thread).</summary>
        public void Delivered(int bytes)
        {
            lock (_lock)
            {
                _waiting -= bytes;
                if (_paused && _waiting <= LowWaterBytes)
                {
                    _paused = false;
                    _client.TryPost(FrameKind.ResumeRecords, Array.Empty<byte>());
                }
            }
        }

        /// <summary>The call is over: the worker must not stay paused for it.</summary>
        public void Release()
        {
            lock (_lock)
            {
                _released = true;
                if (_paused)
                {
                    _paused = false;
                    _client.TryPost(FrameKind.ResumeRecords, Array.Empty<byte>());
                }
            }
        }
    }
}
