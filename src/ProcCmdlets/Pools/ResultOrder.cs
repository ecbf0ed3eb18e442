using System.Collections.Generic;
using ProcCmdlets.Channel;
using ProcCmdlets.Records;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Writes a map's records in input order, each item's records together (or, unordered, one
    /// item's records as they come while the others wait for it, never interleaving two items), and
    /// counts the items whose records are all out. Only the thread that drains the map uses it.
    /// </summary>
    internal sealed class ResultOrder
    {
        private readonly Dictionary<long, ItemSlot> _slots = new Dictionary<long, ItemSlot>();
        private readonly bool _unordered;
        private long _nextToEmit;

        // Unordered: the item whose records are written as they come (-1: none yet).
        private long _streaming = -1;

        public ResultOrder(bool unordered)
        {
            _unordered = unordered;
        }

        /// <summary>Items whose records have all been written.</summary>
        public long Finished { get; private set; }

        /// <summary>A record of item <paramref name="sequence"/>: written now when its turn has come, else set aside.</summary>
        public void Record(IRecordSink sink, long sequence, StreamKind stream, object? value)
        {
            if (_unordered ? StreamsNow(sequence) : sequence == _nextToEmit)
            {
                sink.Write(stream, value);
            }
            else
            {
                Slot(sequence).Records.Add(new KeyValuePair<StreamKind, object?>(stream, value));
            }

            AdvanceIfOrdered(sink);
        }

        /// <summary>Item <paramref name="sequence"/> has ended: it, and the items that waited for it, are finished once their records are out.</summary>
        public void Done(IRecordSink sink, long sequence)
        {
            if (_unordered)
            {
                UnorderedDone(sink, sequence);
                return;
            }

            if (sequence == _nextToEmit && _slots.Count == 0)
            {
                // The common case: the next item in order finished and all of its records are out.
                _nextToEmit++;
                Finished++;
                return;
            }

            Slot(sequence).Done = true;
            AdvanceIfOrdered(sink);
        }

        private void AdvanceIfOrdered(IRecordSink sink)
        {
            if (!_unordered && _slots.Count > 0)
            {
                Advance(sink);
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

        private sealed class ItemSlot
        {
            public List<KeyValuePair<StreamKind, object?>> Records { get; } = new List<KeyValuePair<StreamKind, object?>>(1);

            public bool Done { get; set; }
        }
    }
}
