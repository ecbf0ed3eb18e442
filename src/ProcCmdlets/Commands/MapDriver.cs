using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Pools;
using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// Feeds a map's input to its pool and writes its results, on the pipeline thread: input is
    /// read lazily, with a bounded number of items waiting or running, so any length of input
    /// streams through in bounded memory.
    /// </summary>
    internal sealed class MapDriver : IDisposable
    {
        private const int MaxOutstanding = 16384;
        private const int BatchSize = 256;
        private const int ProgressId = 0x50434d50;
        private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

        private readonly PSCmdlet _cmdlet;
        private readonly MapPump _pump;
        private readonly WorkerPool _pool;
        private readonly MapResult _result;
        private readonly CancellationToken _cancellation;
        private readonly bool _progress;
        private readonly PayloadWriter _encoder = new PayloadWriter();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastDispatch;
        private TimeSpan _lastProgress;
        private bool _progressShown;
        private bool _finished;

        public MapDriver(PSCmdlet cmdlet, ProcessPool pool, MapResult result, bool progress, CancellationToken cancellation)
        {
            _cmdlet = cmdlet;
            _pool = pool.Core;
            _result = result;
            _cancellation = cancellation;
            _progress = progress;
            try
            {
                _pool.Register(result);
            }
            catch (PoolBrokenException e)
            {
                cmdlet.ThrowTerminatingError(e.Error);
            }
            catch (InvalidOperationException)
            {
                cmdlet.ThrowTerminatingError(Errors.PoolRemoved(pool.Name, pool));
            }

            // Made once: the results are drained every few milliseconds while a map runs.
            _pump = new MapPump(_pool, result, new CmdletRecordSink(cmdlet), cmdlet.ThrowTerminatingError);
        }

        /// <summary>The number of items when known in advance (for the progress bar).</summary>
        public long? ExpectedCount { get; set; }

        public static void Run(PSCmdlet cmdlet, ProcessPool pool, MapResult result, object?[] items, bool progress, CancellationToken cancellation)
        {
            using (var driver = new MapDriver(cmdlet, pool, result, progress, cancellation))
            {
                foreach (object? item in items)
                {
                    driver.Add(item);
                }

                driver.Complete();
            }
        }

        public void Add(object? item)
        {
            byte[]? encoded = Encode(item);
            if (encoded == null)
            {
                return;
            }

            long sequence = _result.Submitted;
            _pool.Enqueue(_result, sequence, item, encoded);
            _result.Submitted = sequence + 1;

            TimeSpan now = _clock.Elapsed;
            if (now - _lastDispatch > TimeSpan.FromMilliseconds(2) || _result.Pending.Count >= 1024)
            {
                _lastDispatch = now;
                _pool.Dispatch();
                _pump.Drain();
            }

            while (_result.Submitted - _result.Finished > MaxOutstanding)
            {
                Pump();
            }
        }

        /// <summary>
        /// A list given to -InputObject: its items are encoded a batch at a time and each batch is
        /// queued and dispatched under one lock, where pipeline input takes the lock for every item.
        /// </summary>
        public void AddAll(IEnumerable items)
        {
            var batch = new List<KeyValuePair<object?, byte[]>>(BatchSize);
            foreach (object? item in items)
            {
                byte[]? encoded = Encode(item);
                if (encoded == null)
                {
                    continue;
                }

                batch.Add(new KeyValuePair<object?, byte[]>(item, encoded));
                if (batch.Count == BatchSize)
                {
                    Queue(batch);
                }
            }

            Queue(batch);
        }

        private void Queue(List<KeyValuePair<object?, byte[]>> batch)
        {
            if (batch.Count == 0)
            {
                return;
            }

            long first = _result.Submitted;
            _pool.Change(() =>
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    _result.Pending.Add(first + i, batch[i].Key, batch[i].Value);
                }
            });
            _result.Submitted = first + batch.Count;
            batch.Clear();
            _lastDispatch = _clock.Elapsed;
            _pump.Drain();
            while (_result.Submitted - _result.Finished > MaxOutstanding)
            {
                Pump();
            }
        }

        /// <summary>The item's encoding, or null (and an error written) when it cannot be carried.</summary>
        private byte[]? Encode(object? item)
        {
            _encoder.Reset();
            ShapeWriter.Current = _pool.InputShapes;
            try
            {
                ValueCodec.Write(_encoder, item);
            }
            catch (ValueNotCarriedException e)
            {
                _cmdlet.WriteError(Errors.NotCarried(e, ErrorCategory.InvalidData, item));
                return null;
            }
            finally
            {
                ShapeWriter.Current = null;
            }

            return _encoder.ToArray();
        }

        public void Complete()
        {
            _result.InputComplete = true;
            _pool.Dispatch();
            while (!_result.AllFinished)
            {
                Pump();
            }

            // Console text an item wrote can still be on its way on the console pipe.
            try
            {
                _pump.Finish(_cancellation);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            _finished = true;
            if (_progressShown)
            {
                var done = new ProgressRecord(ProgressId, "Invoke-ProcessPoolMap", "Done") { RecordType = ProgressRecordType.Completed };
                _cmdlet.WriteProgress(done);
            }
        }

        private void Pump()
        {
            try
            {
                _pump.Pump(_cancellation);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            ShowProgress();
        }

        private void ShowProgress()
        {
            TimeSpan now = _clock.Elapsed;
            if (!_progress || now < ProgressDelay || now - _lastProgress < ProgressInterval)
            {
                return;
            }

            _lastProgress = now;
            long done = _result.Finished;
            long? total = ExpectedCount ?? (_result.InputComplete ? _result.Submitted : (long?)null);
            double rate = done / Math.Max(now.TotalSeconds, 0.001);
            string status = total.HasValue ? $"{done} of {total} items, {rate:N0} items/s" : $"{done} items, {rate:N0} items/s";
            var record = new ProgressRecord(ProgressId, "Invoke-ProcessPoolMap", status);
            if (total.HasValue && total.Value > 0)
            {
                record.PercentComplete = (int)Math.Min(100, done * 100 / total.Value);
            }

            _cmdlet.WriteProgress(record);
            _progressShown = true;
        }

        public void Dispose() => _pump.End(_finished);
    }
}
