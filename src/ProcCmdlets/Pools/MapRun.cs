using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Engine;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// A map whose results the calling cmdlet writes: reader threads only queue tagged events;
    /// the pipeline thread drains them and writes each item's records in input order (or as items
    /// finish, unordered), never interleaving two items.
    /// </summary>
    internal sealed class MapRun : PoolRun
    {
        private readonly ConcurrentQueue<RunEvent> _events = new ConcurrentQueue<RunEvent>();
        private readonly ManualResetEventSlim _signal = new ManualResetEventSlim();
        private readonly Dictionary<long, ItemSlot> _slots = new Dictionary<long, ItemSlot>();
        private readonly bool _unordered;
        private long _nextToEmit;

        public MapRun(PoolTask task, int fixedChunkSize, int timeoutSeconds, bool unordered)
            : base(task, fixedChunkSize, timeoutSeconds)
        {
            _unordered = unordered;
        }

        /// <summary>Items queued so far (the next item's number).</summary>
        public long Submitted { get; set; }

        /// <summary>Items whose results have all been written.</summary>
        public long Finished { get; private set; }

        public bool AllFinished => Finished >= Submitted;

        public override void OnRecord(Chunk chunk, int index, StreamKind stream, PayloadReader reader)
        {
            object value;
            try
            {
                value = ReadRecord(stream, reader, chunk.Items[index]);
            }
            catch (Exception e)
            {
                stream = StreamKind.Error;
                value = Errors.Create(e, "ValueNotCarried", ErrorCategory.ReadError, chunk.Items[index]);
            }

            Post(new RunEvent(chunk.Sequence[index], EventKind.Record, stream, value));
        }

        public override void OnItemDone(Chunk chunk, int index) => Post(new RunEvent(chunk.Sequence[index], EventKind.Done, default, null));

        public override void OnItemFailed(Chunk chunk, int index, ErrorRecord error)
        {
            Post(new RunEvent(chunk.Sequence[index], EventKind.Record, StreamKind.Error, error));
            Post(new RunEvent(chunk.Sequence[index], EventKind.Done, default, null));
        }

        public override void OnFatal(ErrorRecord error) => Post(new RunEvent(-1, EventKind.Fatal, default, error));

        public override void OnConsoleLine(string line, int processId) =>
            Post(new RunEvent(-1, EventKind.Console, StreamKind.Information, ConsoleRecord.Create(line, processId)));

        private void Post(RunEvent e)
        {
            _events.Enqueue(e);
            _signal.Set();
        }

        /// <summary>Waits until events arrive, the timeout passes, or the call is cancelled.</summary>
        public void Wait(TimeSpan timeout, CancellationToken cancellation)
        {
            if (_events.IsEmpty)
            {
                _signal.Wait(timeout, cancellation);
            }
        }

        /// <summary>Writes what is ready. Called on the pipeline thread only.</summary>
        public void Drain(Cmdlet cmdlet)
        {
            _signal.Reset();
            while (_events.TryDequeue(out RunEvent e))
            {
                switch (e.Kind)
                {
                    case EventKind.Fatal:
                        cmdlet.ThrowTerminatingError((ErrorRecord)e.Value);
                        break;
                    case EventKind.Console:
                        cmdlet.WriteInformation((InformationRecord)e.Value);
                        break;
                    case EventKind.Record:
                        if (!_unordered && e.Sequence == _nextToEmit)
                        {
                            Emit(cmdlet, e.Stream, e.Value);
                        }
                        else
                        {
                            Slot(e.Sequence).Records.Add(new KeyValuePair<StreamKind, object>(e.Stream, e.Value));
                        }

                        break;
                    case EventKind.Done:
                        if (!_unordered && e.Sequence == _nextToEmit && !_slots.ContainsKey(e.Sequence))
                        {
                            // The common case: the next item in order finished and all of its records are out.
                            _nextToEmit++;
                            Finished++;
                            break;
                        }

                        ItemSlot slot = Slot(e.Sequence);
                        slot.Done = true;
                        if (_unordered)
                        {
                            EmitSlot(cmdlet, slot);
                            _slots.Remove(e.Sequence);
                            Finished++;
                        }

                        break;
                }

                if (!_unordered)
                {
                    Advance(cmdlet);
                }
            }
        }

        private void Advance(Cmdlet cmdlet)
        {
            while (_slots.TryGetValue(_nextToEmit, out ItemSlot head))
            {
                EmitSlot(cmdlet, head);
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

        private static void EmitSlot(Cmdlet cmdlet, ItemSlot slot)
        {
            if (slot.Records.Count == 0)
            {
                return;
            }

            var records = slot.Records.ToArray();
            slot.Records.Clear();
            foreach (var record in records)
            {
                Emit(cmdlet, record.Key, record.Value);
            }
        }

        private static void Emit(Cmdlet cmdlet, StreamKind stream, object value)
        {
            switch (stream)
            {
                case StreamKind.Output:
                    cmdlet.WriteObject(value);
                    break;
                case StreamKind.Error:
                    cmdlet.WriteError((ErrorRecord)value);
                    break;
                case StreamKind.Warning:
                    cmdlet.WriteWarning(((WarningRecord)value).Message);
                    break;
                case StreamKind.Verbose:
                    cmdlet.WriteVerbose(((VerboseRecord)value).Message);
                    break;
                case StreamKind.Debug:
                    cmdlet.WriteDebug(((DebugRecord)value).Message);
                    break;
                case StreamKind.Information:
                    cmdlet.WriteInformation((InformationRecord)value);
                    break;
                case StreamKind.Progress:
                    cmdlet.WriteProgress((ProgressRecord)value);
                    break;
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
            public RunEvent(long sequence, EventKind kind, StreamKind stream, object value)
            {
                Sequence = sequence;
                Kind = kind;
                Stream = stream;
                Value = value;
            }

            public long Sequence { get; }

            public EventKind Kind { get; }

            public StreamKind Stream { get; }

            public object Value { get; }
        }

        private sealed class ItemSlot
        {
            public List<KeyValuePair<StreamKind, object>> Records { get; } = new List<KeyValuePair<StreamKind, object>>(1);

            public bool Done { get; set; }
        }
    }
}
