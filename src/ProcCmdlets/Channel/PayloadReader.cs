using System;
using System.IO;
using System.Text;

namespace ProcCmdlets.Channel
{
    /// <summary>Reads what <see cref="PayloadWriter"/> wrote; a short or malformed payload throws <see cref="InvalidDataException"/>.</summary>
    internal sealed class PayloadReader
    {
        /// <summary>
        /// What decoding a frame's values may allocate, in estimated bytes per byte of payload: values
        /// small on the wire (an empty hashtable is 2 bytes, about 170 once read) cannot make a frame
        /// cost more than this times its size. Ordinary output stays far below (see docs/architecture.md,
        /// "The bytes between").
        /// </summary>
        public const int DecodeBytesPerPayloadByte = 48;

        /// <summary>What any frame may decode to, however small: a few objects of any kind.</summary>
        public const int DecodeBytesPerFrame = 64 << 10;

        private readonly byte[] _buffer;
        private readonly int _end;
        private readonly PayloadReader? _frame;
        private int _position;
        private long _decodeBudget;

        /// <summary>A reader of <paramref name="buffer"/>; shared objects in it resolve through <paramref name="sharedObjects"/>, without which they are refused.</summary>
        public PayloadReader(byte[] buffer, ISharedObjectResolver? sharedObjects = null)
        {
            _buffer = buffer;
            _end = buffer.Length;
            SharedObjects = sharedObjects;
            _decodeBudget = DecodeBytesPerFrame + (long)DecodeBytesPerPayloadByte * buffer.Length;
        }

        private PayloadReader(PayloadReader frame, int start, int end)
        {
            _buffer = frame._buffer;
            _position = start;
            _end = end;
            _frame = frame._frame ?? frame;
            SharedObjects = frame.SharedObjects;
        }

        /// <summary>
        /// A reader of the next <paramref name="count"/> bytes, which this reader skips: a value with a
        /// length of its own. What it decodes counts against the whole frame's budget.
        /// </summary>
        public PayloadReader Slice(int count)
        {
            Need(count);
            var slice = new PayloadReader(this, _position, _position + count);
            _position += count;
            return slice;
        }

        /// <summary>What turns the shared objects' handles in this payload into objects, or null where none may come.</summary>
        public ISharedObjectResolver? SharedObjects { get; }

        /// <summary>Counts what a value about to be decoded costs against the frame's budget; over it, the frame is refused.</summary>
        public void Charge(int bytes)
        {
            if (_frame != null)
            {
                _frame.Charge(bytes);
                return;
            }

            _decodeBudget -= bytes;
            if (_decodeBudget < 0)
            {
                throw new InvalidDataException($"A frame of {_buffer.Length} bytes holds more values than a frame of that size may decode to.");
            }
        }

        public bool AtEnd => _position >= _end;

        public int Remaining => _end - _position;

        private void Need(int count)
        {
            if (count < 0 || count > _end - _position)
            {
                throw new InvalidDataException("A frame's payload is shorter than its contents declare.");
            }
        }

        public byte ReadByte()
        {
            Need(1);
            return _buffer[_position++];
        }

        public bool ReadBool() => ReadByte() != 0;

        public ulong ReadVarUInt() => ReadVarUInt(_buffer, ref _position, _end);

        /// <summary>Reads a varuint at <paramref name="at"/>, which it moves past it, in bytes that end at <paramref name="end"/>.</summary>
        /// <exception cref="InvalidDataException">It runs past <paramref name="end"/> or is too long.</exception>
        public static ulong ReadVarUInt(byte[] buffer, ref int at, int end)
        {
            ulong result = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                if (at >= end)
                {
                    throw new InvalidDataException("A frame's payload is shorter than its contents declare.");
                }

                byte b = buffer[at++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return result;
                }
            }

            throw new InvalidDataException("A variable-length integer in a frame is too long.");
        }

        public long ReadVarInt()
        {
            ulong raw = ReadVarUInt();
            return (long)(raw >> 1) ^ -(long)(raw & 1);
        }

        public int ReadCount()
        {
            ulong count = ReadVarUInt();
            if (count > int.MaxValue)
            {
                throw new InvalidDataException("A count in a frame is out of range.");
            }

            return (int)count;
        }

        public long ReadInt64()
        {
            Need(8);
            long value = 0;
            for (int i = 0; i < 8; i++)
            {
                value |= (long)_buffer[_position++] << (8 * i);
            }

            return value;
        }

        public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

        /// <summary>A string <see cref="PayloadWriter.WriteString(string?)"/> wrote, null included.</summary>
        public string? ReadString()
        {
            ulong lengthPlusOne = ReadVarUInt();
            if (lengthPlusOne == 0)
            {
                return null;
            }

            if (lengthPlusOne - 1 > (ulong)(_end - _position))
            {
                throw new InvalidDataException("A string in a frame is longer than the frame.");
            }

            int length = (int)(lengthPlusOne - 1);
            string value = Encoding.UTF8.GetString(_buffer, _position, length);
            _position += length;
            return value;
        }

        /// <summary>A string that the protocol never sends as null: a null one is a malformed frame.</summary>
        public string ReadRequiredString() =>
            ReadString() ?? throw new InvalidDataException("A frame holds a null string where the protocol requires one.");

        public byte[] ReadBytes() => ReadRaw(ReadCount());

        /// <summary>The next <paramref name="length"/> bytes as they are (a value with a length of its own, copied).</summary>
        public byte[] ReadRaw(int length)
        {
            Need(length);
            var value = new byte[length];
            Buffer.BlockCopy(_buffer, _position, value, 0, length);
            _position += length;
            return value;
        }
    }
}
