using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Management.Automation;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Reads values back from the channel: the binary forms <see cref="ValueCodec"/> writes, and
    /// CLIXML as PowerShell remoting deserializes it. A malformed value throws InvalidDataException.
    /// </summary>
    internal static class ValueDecoder
    {
        /// <summary>Reads one value at nesting depth <paramref name="depth"/>; a malformed one throws <see cref="InvalidDataException"/>.</summary>
        public static object? Read(PayloadReader r, int depth)
        {
            if (depth > ValueCodec.MaxFastDepth + 1)
            {
                throw new InvalidDataException("A value in a frame nests deeper than the channel allows.");
            }

            var tag = (ValueCodec.Tag)r.ReadByte();
            r.Charge(DecodedBytes(tag));
            switch (tag)
            {
                case ValueCodec.Tag.Null: return null;
                case ValueCodec.Tag.True: return true;
                case ValueCodec.Tag.False: return false;
                case ValueCodec.Tag.Int32: return checked((int)r.ReadVarInt());
                case ValueCodec.Tag.Int64: return r.ReadVarInt();
                case ValueCodec.Tag.Double: return r.ReadDouble();
                case ValueCodec.Tag.String: return r.ReadString();
                case ValueCodec.Tag.Array: return ReadArray(r, depth);
                case ValueCodec.Tag.Hashtable:
                    {
                        int count = r.ReadCount();
                        return ReadEntries(r, new Hashtable(Math.Min(count, 1024), StringComparer.OrdinalIgnoreCase), count, depth);
                    }

                case ValueCodec.Tag.Ordered: return ReadEntries(r, new OrderedDictionary(StringComparer.OrdinalIgnoreCase), r.ReadCount(), depth);
                case ValueCodec.Tag.CustomObject: return ReadCustomObject(r, depth);
                case ValueCodec.Tag.Shaped: return ShapeTable.ReadRow(r, depth);
                case ValueCodec.Tag.ShapedHashtable: return ShapeTable.ReadDictionary(r, depth, false);
                case ValueCodec.Tag.ShapedOrdered: return ShapeTable.ReadDictionary(r, depth, true);
                case ValueCodec.Tag.Clixml: return ReadClixml(r);
                case ValueCodec.Tag.SharedObject:
                    return r.SharedObjects?.Resolve(SharedHandle.Read(r))
                        ?? throw new InvalidDataException("A shared object arrived where none can be resolved.");
                default: return ReadOtherScalar(r, tag);
            }
        }

        /// <summary>The scalars rarer than those <see cref="Read"/> reads itself.</summary>
        private static object ReadOtherScalar(PayloadReader r, ValueCodec.Tag tag)
        {
            switch (tag)
            {
                case ValueCodec.Tag.Utf16String: return ReadUtf16String(r);
                case ValueCodec.Tag.Char: return (char)r.ReadVarUInt();
                case ValueCodec.Tag.Byte: return r.ReadByte();
                case ValueCodec.Tag.SByte: return (sbyte)r.ReadVarInt();
                case ValueCodec.Tag.Int16: return (short)r.ReadVarInt();
                case ValueCodec.Tag.UInt16: return (ushort)r.ReadVarUInt();
                case ValueCodec.Tag.UInt32: return (uint)r.ReadVarUInt();
                case ValueCodec.Tag.UInt64: return r.ReadVarUInt();
                case ValueCodec.Tag.Single: return (float)r.ReadDouble();
                case ValueCodec.Tag.Decimal:
                    return new decimal(new[] { (int)r.ReadVarInt(), (int)r.ReadVarInt(), (int)r.ReadVarInt(), (int)r.ReadVarInt() });
                case ValueCodec.Tag.DateTime: return DateTime.FromBinary(r.ReadInt64());
                case ValueCodec.Tag.TimeSpan: return new TimeSpan(r.ReadVarInt());
                case ValueCodec.Tag.Guid: return new Guid(r.ReadBytes());
                case ValueCodec.Tag.SwitchParameter: return new SwitchParameter(r.ReadBool());
                case ValueCodec.Tag.ByteArray: return r.ReadBytes();
                default:
                    throw new InvalidDataException($"Unknown value tag {(byte)tag} in a frame.");
            }
        }

        private static string ReadUtf16String(PayloadReader r)
        {
            int count = r.ReadCount();
            if (count > r.Remaining)
            {
                throw new InvalidDataException("A string in a frame is longer than the frame.");
            }

            var chars = new char[count];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)r.ReadVarUInt();
            }

            return new string(chars);
        }

        private static object?[] ReadArray(PayloadReader r, int depth)
        {
            int length = r.ReadCount();
            if (length > r.Remaining)
            {
                throw new InvalidDataException("An array in a frame declares more elements than the frame holds.");
            }

            var array = new object?[length];
            for (int i = 0; i < array.Length; i++)
            {
                array[i] = Read(r, depth + 1);
            }

            return array;
        }

        /// <summary>Fills <paramref name="table"/> with <paramref name="count"/> entries; a null key becomes the empty string.</summary>
        private static IDictionary ReadEntries(PayloadReader r, IDictionary table, int count, int depth)
        {
            for (int i = 0; i < count; i++)
            {
                object? key = Read(r, depth + 1);
                table[key ?? string.Empty] = Read(r, depth + 1);
            }

            return table;
        }

        private static PSObject ReadCustomObject(PayloadReader r, int depth)
        {
            var result = new PSObject();
            int count = r.ReadCount();

            // Grown as names are read, never sized by the count a frame declares.
            var typeNames = new List<string>(Math.Min(count, 4));
            for (int i = 0; i < count; i++)
            {
                typeNames.Add(DeserializedName(r.ReadRequiredString()));
            }

            TypeNameAccess.SetOwn(result, typeNames);

            count = r.ReadCount();
            for (int i = 0; i < count; i++)
            {
                r.Charge(DecodedPropertyBytes);
                string name = r.ReadRequiredString();
                // Names come from one object, so they are distinct: no need to check each.
                result.Properties.Add(new PSNoteProperty(name, Read(r, depth + 1)), true);
            }

            return result;
        }

        private static object ReadClixml(PayloadReader r)
        {
            string xml = r.ReadRequiredString();
            try
            {
                return PSSerializer.Deserialize(xml);
            }
            catch (Exception e)
            {
                throw new InvalidDataException("A value's CLIXML could not be deserialized: " + e.Message, e);
            }
        }

        /// <summary>What a custom object's property costs beyond its value: the note property, its name and its entry.</summary>
        private const int DecodedPropertyBytes = 200;

        /// <summary>
        /// At least what decoding a value of a kind allocates before its contents, its slot in an array
        /// or table included (measured with GC.GetAllocatedBytesForCurrentThread: a boxed scalar or a
        /// short string 32-40 bytes, an empty hashtable 176, an empty custom object about 1,340): the
        /// decode budget counts these.
        /// </summary>
        private static int DecodedBytes(ValueCodec.Tag tag)
        {
            switch (tag)
            {
                case ValueCodec.Tag.Hashtable:
                case ValueCodec.Tag.ShapedHashtable: return 200;
                case ValueCodec.Tag.Ordered:
                case ValueCodec.Tag.ShapedOrdered: return 256;
                case ValueCodec.Tag.CustomObject: return 1400;
                case ValueCodec.Tag.Clixml: return 1024;
                default: return 40;
            }
        }

        private static string DeserializedName(string name) =>
            name.StartsWith("Deserialized.", StringComparison.Ordinal) ? name : "Deserialized." + name;
    }
}
