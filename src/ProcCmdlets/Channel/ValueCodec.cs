using System;
using System.Collections;
using System.Collections.Specialized;
using System.IO;
using System.Management.Automation;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Carries values across the channel: common primitives, arrays, hashtables and
    /// pscustomobjects in a compact binary form; everything else as CLIXML, so it comes back as
    /// PowerShell remoting would bring it.
    /// </summary>
    internal static class ValueCodec
    {
        /// <summary>
        /// How deep containers and pscustomobjects nest in the binary form; deeper values are carried
        /// as their string form, as CLIXML does past its depth.
        /// </summary>
        public const int MaxFastDepth = 64;

        /// <summary>The CLIXML serialization depth, as for jobs and remoting.</summary>
        public const int ClixmlDepth = 1;

        internal enum Tag : byte
        {
            Null = 0,
            True = 1,
            False = 2,
            Int32 = 3,
            Int64 = 4,
            Double = 5,
            String = 6,
            Char = 7,
            Byte = 8,
            Decimal = 9,
            DateTime = 10,
            Guid = 11,
            ByteArray = 12,
            Array = 13,
            Clixml = 14,
            TimeSpan = 15,
            Single = 16,
            Hashtable = 17,
            Ordered = 18,
            CustomObject = 19,
            Int16 = 20,
            UInt32 = 21,
            UInt64 = 22,
            SByte = 23,
            UInt16 = 24,
            SwitchParameter = 25,
            Utf16String = 26,
            SharedObject = 27,
            Shaped = 28,
            ShapedHashtable = 29,
            ShapedOrdered = 30,
        }

        /// <summary>Writes <paramref name="value"/>, null included; a value neither form can carry throws <see cref="ValueNotCarriedException"/>.</summary>
        public static void Write(PayloadWriter writer, object? value) => Write(writer, value, 0);

        /// <summary>Writes a value nested <paramref name="depth"/> deep in the one being written.</summary>
        internal static void Write(PayloadWriter w, object? value, int depth)
        {
            PSObject? wrapper = value as PSObject;
            object? raw = wrapper != null ? wrapper.BaseObject : value;
            if (raw == null)
            {
                w.WriteByte((byte)Tag.Null);
                return;
            }

            if (TryWriteCommonScalar(w, raw) || TryWriteOtherScalar(w, raw))
            {
                return;
            }

            if (raw is ISharedHandleSource shared)
            {
                SharedHandle handle = shared.Handle;
                w.WriteByte((byte)Tag.SharedObject);
                handle.Write(w);
                w.NoteHandle(handle.Id);
                return;
            }

            if (depth >= MaxFastDepth)
            {
                w.WriteByte((byte)Tag.String);
                w.WriteString(raw.ToString());
                return;
            }

            if (TryWriteContainer(w, wrapper, raw, depth))
            {
                return;
            }

            // raw is value or what value wraps, so value is not null either.
            WriteClixml(w, value!);
        }

        /// <summary>The scalars most output is made of, tested first.</summary>
        private static bool TryWriteCommonScalar(PayloadWriter w, object raw)
        {
            switch (raw)
            {
                case int i:
                    w.WriteByte((byte)Tag.Int32);
                    w.WriteVarInt(i);
                    return true;
                case string s:
                    WriteString(w, s);
                    return true;
                case bool b:
                    w.WriteByte(b ? (byte)Tag.True : (byte)Tag.False);
                    return true;
                case long l:
                    w.WriteByte((byte)Tag.Int64);
                    w.WriteVarInt(l);
                    return true;
                case double d:
                    w.WriteByte((byte)Tag.Double);
                    w.WriteDouble(d);
                    return true;
                case char c:
                    w.WriteByte((byte)Tag.Char);
                    w.WriteVarUInt(c);
                    return true;
                case byte u8:
                    w.WriteByte((byte)Tag.Byte);
                    w.WriteByte(u8);
                    return true;
                case sbyte i8:
                    w.WriteByte((byte)Tag.SByte);
                    w.WriteVarInt(i8);
                    return true;
                case short i16:
                    w.WriteByte((byte)Tag.Int16);
                    w.WriteVarInt(i16);
                    return true;
                default:
                    return false;
            }
        }

        private static void WriteString(PayloadWriter w, string s)
        {
            w.WriteByte((byte)Tag.String);
            if (!w.TryWriteExactString(s))
            {
                // Unpaired surrogates: carried char by char, as CLIXML would keep them.
                w.Truncate(w.Length - 1);
                w.WriteByte((byte)Tag.Utf16String);
                w.WriteVarUInt((ulong)s.Length);
                foreach (char c in s)
                {
                    w.WriteVarUInt(c);
                }
            }
        }

        /// <summary>The scalars after <see cref="TryWriteCommonScalar"/>'s, in the order they were always tested.</summary>
        private static bool TryWriteOtherScalar(PayloadWriter w, object raw)
        {
            switch (raw)
            {
                case ushort u16:
                    w.WriteByte((byte)Tag.UInt16);
                    w.WriteVarUInt(u16);
                    return true;
                case uint u32:
                    w.WriteByte((byte)Tag.UInt32);
                    w.WriteVarUInt(u32);
                    return true;
                case ulong u64:
                    w.WriteByte((byte)Tag.UInt64);
                    w.WriteVarUInt(u64);
                    return true;
                case float f:
                    w.WriteByte((byte)Tag.Single);
                    w.WriteDouble(f);
                    return true;
                case decimal m:
                    w.WriteByte((byte)Tag.Decimal);
                    foreach (int part in decimal.GetBits(m))
                    {
                        w.WriteVarInt(part);
                    }

                    return true;
                case DateTime dt:
                    w.WriteByte((byte)Tag.DateTime);
                    w.WriteInt64(dt.ToBinary());
                    return true;
                case TimeSpan ts:
                    w.WriteByte((byte)Tag.TimeSpan);
                    w.WriteVarInt(ts.Ticks);
                    return true;
                case Guid g:
                    w.WriteByte((byte)Tag.Guid);
                    w.WriteBytes(g.ToByteArray());
                    return true;
                case SwitchParameter sw:
                    w.WriteByte((byte)Tag.SwitchParameter);
                    w.WriteBool(sw.IsPresent);
                    return true;
                case byte[] bytes:
                    w.WriteByte((byte)Tag.ByteArray);
                    w.WriteBytes(bytes);
                    return true;
                default:
                    return false;
            }
        }

        private static bool TryWriteContainer(PayloadWriter w, PSObject? wrapper, object raw, int depth)
        {
            if (raw is object[] array)
            {
                w.WriteByte((byte)Tag.Array);
                w.WriteVarUInt((ulong)array.Length);
                foreach (object? element in array)
                {
                    Write(w, element, depth + 1);
                }

                return true;
            }

            if (raw is Hashtable table && raw.GetType() == typeof(Hashtable))
            {
                RowWriter.WriteDictionary(w, table, false, depth);
                return true;
            }

            if (raw is OrderedDictionary ordered)
            {
                RowWriter.WriteDictionary(w, ordered, true, depth);
                return true;
            }

            if (raw is PSCustomObject && wrapper != null && RowWriter.TryGetNoteProperties(wrapper, out var properties))
            {
                RowWriter.WriteCustomObject(w, wrapper, properties, depth);
                return true;
            }

            return false;
        }

        private static void WriteClixml(PayloadWriter w, object value)
        {
            string xml;
            try
            {
                xml = PSSerializer.Serialize(value, ClixmlDepth);
            }
            catch (Exception e)
            {
                throw new ValueNotCarriedException(value, e);
            }

            w.WriteByte((byte)Tag.Clixml);
            w.WriteString(xml);
        }

        /// <summary>Reads a value that <see cref="Write(PayloadWriter, object)"/> wrote (<see cref="ValueDecoder"/>); its shared objects are resolved by the reader's <see cref="PayloadReader.SharedObjects"/>.</summary>
        public static object? Read(PayloadReader r) => ValueDecoder.Read(r, 0);
    }
}
