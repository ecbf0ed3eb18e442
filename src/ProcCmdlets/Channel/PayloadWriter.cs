using System;
using System.Text;

namespace ProcCmdlets.Channel
{
    /// <summary>A growable buffer for one frame's payload; reuse it with <see cref="Reset"/>.</summary>
    internal sealed class PayloadWriter
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);
        private byte[] _buffer;

        public PayloadWriter(int capacity = 256)
        {
            _buffer = new byte[capacity];
        }

        public byte[] Buffer => _buffer;

        public int Length { get; private set; }

        public PayloadWriter Reset()
        {
            Length = 0;
            return this;
        }

        public void Truncate(int length) => Length = length;

        public byte[] ToArray()
        {
            var copy = new byte[Length];
            System.Buffer.BlockCopy(_buffer, 0, copy, 0, Length);
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
            while (value >= 0x80)
            {
                _buffer[Length++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _buffer[Length++] = (byte)value;
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

        public void WriteString(string value) => WriteString(value, Utf8);

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

        private void WriteString(string value, UTF8Encoding encoding)
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
