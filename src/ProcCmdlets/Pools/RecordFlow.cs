using System;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Back-pressure for one worker's records in one result: counts the bytes of records the session
    /// has read but the pipeline thread has not yet written, pauses the worker's producers above
    /// <see cref="HighWaterBytes"/> and resumes them at <see cref="LowWaterBytes"/>. A worker that obeys
    /// never makes its reader wait: it keeps reading, so item ends and console syncs still flow.
    /// One that keeps sending past <see cref="HardLimitBytes"/> (a hostile host ignores the pause) finds
    /// its reader stopped until the pipeline thread catches up (no further read is issued; no thread
    /// waits), so that the pipe's or ssh's own flow control holds its bytes back instead of the
    /// session's memory.
    /// </summary>
    internal sealed class RecordFlow
    {
        /// <summary>Frame bytes waiting in the session before the worker is paused; 1-KB strings take about 2.5 times as much once read.</summary>
        public const long HighWaterBytes = 4 << 20;

        public const long LowWaterBytes = 1 << 20;

        /// <summary>
        /// Where the reader thread stops reading. An obedient worker stays well below it: after the pause
        /// it sends at most what its writer had queued (16 MB) and what was in the pipe.
        /// </summary>
        public const long HardLimitBytes = 64 << 20;

        private readonly WorkerClient _client;
        private readonly object _lock = new object();
        private long _waiting;
        private bool _paused;
        private bool _released;
        private TaskCompletionSource<bool>? _hold;

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

                if (_waiting <= HardLimitBytes)
                {
                    EndHold();
                }
            }
        }

        /// <summary>
        /// Stops the worker's reader while more than <see cref="HardLimitBytes"/> wait for the pipeline
        /// thread (on the reader, after the record is queued, so the pipeline thread can always proceed):
        /// it reads no further until <see cref="Delivered"/> or <see cref="Release"/> ends the hold.
        /// </summary>
        /// <returns>What the reader waits for; null when it need not wait.</returns>
        public Task? Throttle()
        {
            Task? hold = null;
            lock (_lock)
            {
                if (_waiting > HardLimitBytes && !_released)
                {
                    Throttled++;
                    if (_hold == null)
                    {
                        // Continuations run on the thread pool, never inside the pipeline thread's Delivered.
                        _hold = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    hold = _hold.Task;
                }
            }

            if (hold != null)
            {
                _client.HoldReads(hold);
            }

            return hold;
        }

        /// <summary>The reader held by <see cref="Throttle"/>, if any, may read again (under the lock).</summary>
        private void EndHold()
        {
            _hold?.TrySetResult(true);
            _hold = null;
        }

        /// <summary>Times the reader was held for the pipeline thread, for tests and diagnostics.</summary>
        public int Throttled { get; private set; }

        /// <summary>The result is over: the worker must not stay paused for it.</summary>
        public void Release()
        {
            lock (_lock)
            {
                _released = true;
                EndHold();
                if (_paused)
                {
                    _paused = false;
                    _client.TryPost(FrameKind.ResumeRecords, Array.Empty<byte>());
                }
            }
        }
    }
}
