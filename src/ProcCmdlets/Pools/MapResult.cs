using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Records;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// A map's results [MapResult] as the calling cmdlet writes them: reader threads only queue tagged events;
    /// the pipeline thread drains them and writes each item's records in the order <see cref="ResultOrder"/>
    /// keeps. A Results frame's run of records and item ends is one event, not one per record and end.
    /// Each worker's records waiting for the pipeline thread are counted (<see cref="RecordFlow"/>):
    /// a consumer slower than the workers pauses them instead of filling the session's memory.
    /// </summary>
    internal sealed class MapResult : PoolResult
    {
        private readonly ConcurrentQueue<RunEvent> _events = new ConcurrentQueue<RunEvent>();
        private readonly ManualResetEventSlim _signal = new ManualResetEventSlim();
        private readonly ConcurrentDictionary<PoolWorker, RecordFlow> _flows = new ConcurrentDictionary<PoolWorker, RecordFlow>();
        private readonly ResultOrder _order;

        // Bytes written by the pipeline thread, told to their worker's flow in batches.
        private readonly DeliveredBytes _delivered = new DeliveredBytes();

        public MapResult(PoolTask task, int fixedChunkSize, int timeoutSeconds, bool unordered)
            : base(task, fixedChunkSize, timeoutSeconds)
        {
            _order = new ResultOrder(unordered);
        }

        /// <summary>Items queued so far (the next item's number).</summary>
        public long Submitted { get; set; }

        /// <summary>Items whose results have all been written.</summary>
        public long Finished => _order.Finished;

        public bool AllFinished => Finished >= Submitted;

        public override void OnRecord(Chunk chunk, int index, StreamKind stream, object? record) =>
            Enqueue(new RunEvent(chunk.Sequence[index], EventKind.Record, stream, record));

        public override void OnRecord(PoolWorker worker, Chunk chunk, int index, StreamKind stream, object? record, int bytes)
        {
            RecordFlow flow = _flows.GetOrAdd(worker, w => new RecordFlow(w.Client));
            flow.Received(bytes);
            Enqueue(new RunEvent(chunk.Sequence[index], EventKind.Record, stream, record, flow, bytes));
            flow.Throttle();
        }

        /// <summary>A run of a chunk's records and item ends: one event, whose entries the pipeline thread takes in order.</summary>
        public override void OnResults(PoolWorker worker, Chunk chunk, List<ResultEntry> entries, int bytes)
        {
            RecordFlow flow = _flows.GetOrAdd(worker, w => new RecordFlow(w.Client));
            flow.Received(bytes);
            Enqueue(new RunEvent(-1, EventKind.Results, default, new ResultRun(chunk.Sequence, entries), flow, bytes));
            flow.Throttle();
        }

        /// <summary>Frame bytes of records read and not yet written, over all workers.</summary>
        public long WaitingBytes
        {
            get
            {
                long total = 0;
                foreach (RecordFlow flow in _flows.Values)
                {
                    total += flow.WaitingBytes;
                }

                return total;
            }
        }

        /// <summary>The result is over (finished, stopped or failed): no worker stays paused for it.</summary>
        public void ReleaseWorkers()
        {
            foreach (RecordFlow flow in _flows.Values)
            {
                flow.Release();
            }
        }

        public override void OnItemDone(Chunk chunk, int index, bool failed) => Enqueue(new RunEvent(chunk.Sequence[index], EventKind.Done, default, null));

        public override void OnItemFailed(Chunk chunk, int index, ErrorRecord error)
        {
            Enqueue(new RunEvent(chunk.Sequence[index], EventKind.Record, StreamKind.Error, error));
            Enqueue(new RunEvent(chunk.Sequence[index], EventKind.Done, default, null));
        }

        public override void OnFatal(ErrorRecord error) => Enqueue(new RunEvent(-1, EventKind.Fatal, default, error));

        public override void OnConsoleLine(string line, int processId) =>
            Enqueue(new RunEvent(-1, EventKind.Console, StreamKind.Information, ConsoleRecord.Create(line, processId)));

        private void Enqueue(RunEvent e)
        {
            _events.Enqueue(e);

            // Set writes the event's state (a line the pipeline thread reads) even when it is already
            // set, as it is while the pipeline thread is behind. The fence orders the queued event
            // before the read of the state, as Reset orders the state before the drain's dequeues:
            // either this thread sees the reset and sets the event, or that drain sees the event.
            Interlocked.MemoryBarrier();
            if (!_signal.IsSet)
            {
                _signal.Set();
            }
        }

        /// <summary>Waits until events arrive, the timeout passes, or the result is cancelled.</summary>
        public void Wait(TimeSpan timeout, CancellationToken cancellation)
        {
            if (_events.IsEmpty)
            {
                _signal.Wait(timeout, cancellation);
            }
        }

        /// <summary>Writes what is ready to <paramref name="sink"/>, on one thread at a time (a cmdlet's pipeline thread, or a job's); a fatal error goes to <paramref name="fatal"/>.</summary>
        public void Drain(IRecordSink sink, Action<ErrorRecord> fatal)
        {
            _signal.Reset();
            try
            {
                DrainEvents(sink, fatal);
            }
            finally
            {
                _delivered.Flush();
            }
        }

        private void DrainEvents(IRecordSink sink, Action<ErrorRecord> fatal)
        {
            while (_events.TryDequeue(out RunEvent e))
            {
                switch (e.Kind)
                {
                    case EventKind.Fatal:
                        // A Fatal event always carries its error.
                        fatal((ErrorRecord)e.Value!);
                        break;
                    case EventKind.Console:
                        sink.Write(StreamKind.Information, e.Value);
                        break;
                    case EventKind.Record:
                        _order.Record(sink, e.Sequence, e.Stream, e.Value);
                        break;
                    case EventKind.Done:
                        _order.Done(sink, e.Sequence);
                        break;
                    case EventKind.Results:
                        var run = (ResultRun)e.Value!;
                        foreach (ResultEntry entry in run.Entries)
                        {
                            long sequence = run.Sequence[entry.Index];
                            if (entry.IsDone)
                            {
                                _order.Done(sink, sequence);
                            }
                            else
                            {
                                _order.Record(sink, sequence, entry.Stream, entry.Value);
                                if (entry.EndsItem)
                                {
                                    _order.Done(sink, sequence);
                                }
                            }
                        }

                        break;
                }

                // Written, or set aside to keep the order: either way the pipeline thread is through with it.
                if (e.Flow != null)
                {
                    _delivered.Add(e.Flow, e.Bytes);
                }

            }
        }

        private enum EventKind : byte
        {
            Record,
            Done,
            Fatal,
            Console,
            Results,
        }

        /// <summary>The entries of a Results frame, and the chunk's map from item index to the result's sequence.</summary>
        private sealed class ResultRun
        {
            public ResultRun(long[] sequence, List<ResultEntry> entries)
            {
                Sequence = sequence;
                Entries = entries;
            }

            public long[] Sequence { get; }

            public List<ResultEntry> Entries { get; }
        }

        private readonly struct RunEvent
        {
            public RunEvent(long sequence, EventKind kind, StreamKind stream, object? value, RecordFlow? flow = null, int bytes = 0)
            {
                Sequence = sequence;
                Kind = kind;
                Stream = stream;
                Value = value;
                Flow = flow;
                Bytes = bytes;
            }

            public RecordFlow? Flow { get; }

            public int Bytes { get; }

            public long Sequence { get; }

            public EventKind Kind { get; }

            public StreamKind Stream { get; }

            public object? Value { get; }
        }
    }
}
