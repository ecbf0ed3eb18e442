using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Records;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// A map's results [MapResult] as the calling cmdlet writes them: reader threads only queue tagged events;
    /// the pipeline thread drains them and writes each item's records in input order (or, unordered,
    /// one item's records as they come while the others wait for it), never interleaving two items.
    /// Each worker's records waiting for the pipeline thread are counted (<see cref="RecordFlow"/>):
    /// a consumer slower than the workers pauses them instead of filling the session's memory.
    /// </summary>
    internal sealed class MapResult : PoolResult
    {
        private readonly ConcurrentQueue<RunEvent> _events = new ConcurrentQueue<RunEvent>();
        private readonly ManualResetEventSlim _signal = new ManualResetEventSlim();
        private readonly Dictionary<long, ItemSlot> _slots = new Dictionary<long, ItemSlot>();
        private readonly ConcurrentDictionary<PoolWorker, RecordFlow> _flows = new ConcurrentDictionary<PoolWorker, RecordFlow>();
        private readonly bool _unordered;
        private long _nextToEmit;

        // Bytes written by the pipeline thread, told to their worker's flow in batches.
        private readonly DeliveredBytes _delivered = new DeliveredBytes();

        // Unordered: the item whose records are written as they come (-1: none yet).
        private long _streaming = -1;

        public MapResult(PoolTask task, int fixedChunkSize, int timeoutSeconds, bool unordered)
            : base(task, fixedChunkSize, timeoutSeconds)
        {
            _unordered = unordered;
        }

        /// <summary>Items queued so far (the next item's number).</summary>
        public long Submitted { get; set; }

        /// <summary>Items whose results have all been written.</summary>
        public long Finished { get; private set; }

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
                        if (_unordered ? StreamsNow(e.Sequence) : e.Sequence == _nextToEmit)
                        {
                            sink.Write(e.Stream, e.Value);
                        }
                        else
                        {
                            Slot(e.Sequence).Records.Add(new KeyValuePair<StreamKind, object?>(e.Stream, e.Value));
                        }

                        // Written, or set aside to keep the order: either way the pipeline thread is through with it.
                        if (e.Flow != null)
                        {
                            _delivered.Add(e.Flow, e.Bytes);
                        }

                        break;
                    case EventKind.Done:
                        if (_unordered)
                        {
                            UnorderedDone(sink, e.Sequence);
                            break;
                        }

                        if (e.Sequence == _nextToEmit && !_slots.ContainsKey(e.Sequence))
                        {
                            // The common case: the next item in order finished and all of its records are out.
                            _nextToEmit++;
                            Finished++;
                            break;
                        }

                        Slot(e.Sequence).Done = true;
                        break;
                }

                if (!_unordered)
                {
                    Advance(sink);
                }
            }
        }

        private bool StreamsNow(long sequence)
        {
            if (_streaming < 0 && !_slots.ContainsKey(sequence))
            {
                _streaming = sequence;
            }

            return _streaming == sequence;
        }

        private void UnorderedDone(IRecordSink sink, long sequence)
        {
            if (_streaming >= 0 && _streaming != sequence)
            {
                // Its records wait until the item being written now has ended.
                Slot(sequence).Done = true;
                return;
            }

            if (_slots.TryGetValue(sequence, out ItemSlot own))
            {
                EmitSlot(sink, own);
                _slots.Remove(sequence);
            }

            _streaming = -1;
            Finished++;

            // Items that ended meanwhile go out whole; then one still running takes the stream.
            var keys = new List<long>(_slots.Keys);
            keys.Sort();
            foreach (long key in keys)
            {
                ItemSlot slot = _slots[key];
                if (slot.Done)
                {
                    EmitSlot(sink, slot);
                    _slots.Remove(key);
                    Finished++;
                }
            }

            foreach (long key in keys)
            {
                if (_slots.TryGetValue(key, out ItemSlot running) && running.Records.Count > 0)
                {
                    EmitSlot(sink, running);
                    _slots.Remove(key);
                    _streaming = key;
                    break;
                }
            }
        }

        private void Advance(IRecordSink sink)
        {
            while (_slots.TryGetValue(_nextToEmit, out ItemSlot head))
            {
                EmitSlot(sink, head);
                if (!head.Done)
                {
                    return;
                }

                _slots.Remove(_nextToEmit);
                _nextToEmit++;
                Finished++;
            }
        }

        private ItemSlot Slot(long sequence)
        {
            if (!_slots.TryGetValue(sequence, out ItemSlot slot))
            {
                slot = new ItemSlot();
                _slots[sequence] = slot;
            }

            return slot;
        }

        private static void EmitSlot(IRecordSink sink, ItemSlot slot)
        {
            if (slot.Records.Count == 0)
            {
                return;
            }

            var records = slot.Records.ToArray();
            slot.Records.Clear();
            foreach (var record in records)
            {
                sink.Write(record.Key, record.Value);
            }
        }

        private enum EventKind : byte
        {
            Record,
            Done,
            Fatal,
            Console,
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

        private sealed class ItemSlot
        {
            public List<KeyValuePair<StreamKind, object?>> Records { get; } = new List<KeyValuePair<StreamKind, object?>>(1);

            public bool Done { get; set; }
        }
    }
}
