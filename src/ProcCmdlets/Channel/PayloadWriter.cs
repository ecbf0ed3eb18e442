using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;

namespace ProcCmdlets.Channel
{
    /// <summary>A growable buffer for one frame's payload; reuse it with <see cref="Reset"/>.</summary>
    internal sealed class PayloadWriter
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);
        /// <summary>
        /// The shared-object ids in arrays made by <see cref="ToArray"/>: an item is encoded once and
        /// spliced into frames for whichever worker runs it, and the connection that sends those
        /// bytes must learn which objects it hands over (docs/architecture.md, "Shared objects").
        /// </summary>
        private static readonly ConditionalWeakTable<byte[], long[]> HandlesOfArrays = new ConditionalWeakTable<byte[], long[]>();

        private static volatile bool s_anyHandles;
        private byte[] _buffer;
        private List<long>? _handles;

        public PayloadWriter(int capacity = 256)
        {
            _buffer = new byte[capacity];
        }

        public byte[] Buffer => _buffer;

        public int Length { get; private set; }

        /// <summary>The shared-object ids written so far (null when none).</summary>
        public IReadOnlyList<long>? Handles => _handles;

        public PayloadWriter Reset()
        {
            Length = 0;
            _handles = null;
            return this;
        }

        /// <summary>Notes that the payload names shared object <paramref name="id"/>.</summary>
        public void NoteHandle(long id)
        {
            s_anyHandles = true;
            (_handles ?? (_handles = new List<long>())).Add(id);
        }

        /// <summary>The shared-object ids in an array this class made (null when none).</summary>
        public static long[]? HandlesIn(byte[]? payload) =>

            s_anyHandles && payload != null && HandlesOfArrays.TryGetValue(payload, out long[]? ids) ? ids : null;

        public void Truncate(int length) => Length = length;

        public byte[] ToArray()
        {
            var copy = new byte[Length];
            System.Buffer.BlockCopy(_buffer, 0, copy, 0, Length);
            if (_handles != null)
            {
                HandlesOfArrays.Add(copy, _handles.ToArray());
            }

            return copy;
        }

        private void Ensure(int more)
        {
            if (Length + more > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(Length + more, _buffer.Length * 2));
            }
        }

        public void WriteByte(byte value)
        {
            Ensure(1);
            _buffer[Length++] = value;
        }

        public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

        public void WriteVarUInt(ulong value)
        {
            Ensure(10);
            Length = WriteVarUInt(_buffer, Length, value);
        }

        /// <summary>Writes <paramref name="value"/> at <paramref name="at"/> (room for 10 bytes needed); returns where it ends.</summary>
        public static int WriteVarUInt(byte[] buffer, int at, ulong value)
        {
            while (value >= 0x80)
            {
                buffer[at++] = (byte)(value | 0x80);
                value >>= 7;
            }

            buffer[at++] = (byte)value;
            return at;
        }

        public void WriteVarInt(long value) => WriteVarUInt((ulong)((value << 1) ^ (value >> 63)));

        public void WriteInt64(long value)
        {
            Ensure(8);
            for (int i = 0; i < 8; i++)
            {
                _buffer[Length++] = (byte)(value >> (8 * i));
            }
        }

        public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

        /// <summary>Writes a string, or null, which <see cref="PayloadReader.ReadString"/> gives back as null.</summary>
        public void WriteString(string? value) => WriteString(value, Utf8);

        /// <summary>Writes a string only if UTF-8 can hold it exactly (no unpaired surrogates).</summary>
        public bool TryWriteExactString(string value)
        {
            int mark = Length;
            try
            {
                WriteString(value, StrictUtf8);
                return true;
            }
            catch (EncoderFallbackException)
            {
                Length = mark;
                return false;
            }
        }

        private void WriteString(string? value, UTF8Encoding encoding)
        {
            if (value == null)
            {
                WriteVarUInt(0);
                return;
            }

            int max = encoding.GetMaxByteCount(value.Length);
            Ensure(max + 5);
            int start = Length;
            // Reserve the length as a varint after encoding: encode first into place after a 5-byte gap.
            int written = encoding.GetBytes(value, 0, value.Length, _buffer, start + 5);
            int prefix = VarUIntSize((ulong)written + 1);
            if (prefix != 5)
            {
                System.Buffer.BlockCopy(_buffer, start + 5, _buffer, start + prefix, written);
            }

            WriteVarUInt((ulong)written + 1);
            Length = start + prefix + written;
        }

        /// <summary>Appends bytes that are already encoded.</summary>
        public void WriteRaw(byte[] value)
        {
            long[]? ids = HandlesIn(value);
            if (ids != null)
            {
                (_handles ?? (_handles = new List<long>())).AddRange(ids);
            }

            Ensure(value.Length);
            System.Buffer.BlockCopy(value, 0, _buffer, Length, value.Length);
            Length += value.Length;
        }

        public void WriteBytes(byte[] value)
        {
            WriteVarUInt((ulong)value.Length);
            Ensure(value.Length);
            System.Buffer.BlockCopy(value, 0, _buffer, Length, value.Length);
            Length += value.Length;
        }

        private static int VarUIntSize(ulong value)
        {
            int size = 1;
            while (value >= 0x80)
            {
                value >>= 7;
                size++;
            }

            return size;
        }
    }
}
