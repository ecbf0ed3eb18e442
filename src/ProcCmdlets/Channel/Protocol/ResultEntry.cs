using System;
using System.Collections.Generic;
using System.IO;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// One entry of a Results frame (worker to session): an output value of item <c>Index</c>, or
    /// that item's successful end. A Results frame is a chunk id and then entries, back to back, for
    /// the items of that chunk in the order they happened, so a run of items that each write a value
    /// costs one frame, not two per item (a Record and an ItemDone). Each value is preceded by its
    /// length, so one that cannot be read back costs only itself.
    /// </summary>
    internal readonly struct ResultEntry
    {
        /// <summary>The tag of an output value: varint index, varuint length, the value.</summary>
        public const byte OutputTag = 0;

        /// <summary>The tag of an item's end (not failed): varint index.</summary>
        public const byte DoneTag = 1;

        private ResultEntry(int index, bool isDone, StreamKind stream, object? value, bool endsItem = false)
        {
            Index = index;
            IsDone = isDone;
            Stream = stream;
            Value = value;
            EndsItem = endsItem;
        }

        public int Index { get; }

        /// <summary>True for an item's end; false for a record (<see cref="Stream"/> and <see cref="Value"/>).</summary>
        public bool IsDone { get; }

        /// <summary>
        /// A record that its item's end followed at once (the common case: an item that writes one
        /// value): one entry where the frame has two.
        /// </summary>
        public bool EndsItem { get; }

        /// <summary>Output, or Error when the value could not be read back (<see cref="Value"/> is then the error).</summary>
        public StreamKind Stream { get; }

        public object? Value { get; }

        public static ResultEntry Done(int index) => new ResultEntry(index, true, StreamKind.Output, null);

        public static ResultEntry Record(int index, StreamKind stream, object? value) => new ResultEntry(index, false, stream, value);

        /// <summary>Writes the part of an output entry that goes before its value's <paramref name="valueLength"/> bytes.</summary>
        public static void WriteOutputPrefix(PayloadWriter w, int index, int valueLength)
        {
            w.WriteByte(OutputTag);
            w.WriteVarInt(index);
            w.WriteVarUInt((ulong)valueLength);
        }

        public static void WriteDone(PayloadWriter w, int index)
        {
            w.WriteByte(DoneTag);
            w.WriteVarInt(index);
        }

        /// <summary>
        /// Reads the entries that follow the chunk id; an item's end that follows its record at once
        /// becomes that record's <see cref="EndsItem"/>. A value is decoded by <paramref name="decode"/>
        /// from a reader of its own bytes, which it may fail on: that entry becomes what
        /// <paramref name="undecodable"/> makes of the failure (an error on its item) and the rest are
        /// read on. Entries whose index <paramref name="wanted"/> refuses are skipped without decoding.
        /// </summary>
        /// <exception cref="InvalidDataException">The frame's structure (a tag, an index, a length) is malformed.</exception>
        public static void ReadAll(
            PayloadReader r,
            List<ResultEntry> into,
            Func<int, bool> wanted,
            Func<PayloadReader, object?> decode,
            Func<int, Exception, object?> undecodable)
        {
            while (!r.AtEnd)
            {
                byte tag = r.ReadByte();
                long index = r.ReadVarInt();
                if (index < 0 || index > int.MaxValue)
                {
                    throw new InvalidDataException($"A Results frame names item {index}.");
                }

                if (tag == DoneTag)
                {
                    int last = into.Count - 1;
                    if (last >= 0 && !into[last].IsDone && !into[last].EndsItem && into[last].Index == index)
                    {
                        ResultEntry record = into[last];
                        into[last] = new ResultEntry(record.Index, false, record.Stream, record.Value, endsItem: true);
                    }
                    else
                    {
                        into.Add(Done((int)index));
                    }

                    continue;
                }

                if (tag != OutputTag)
                {
                    throw new InvalidDataException($"Unknown entry tag {tag} in a Results frame.");
                }

                PayloadReader value = r.Slice(r.ReadCount());
                if (!wanted((int)index))
                {
                    continue;
                }

                try
                {
                    into.Add(Record((int)index, StreamKind.Output, decode(value)));
                }
                catch (Exception e)
                {
                    into.Add(Record((int)index, StreamKind.Error, undecodable((int)index, e)));
                }
            }
        }
    }
}
