using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Writes the values that come many of one kind: pscustomobjects of note properties, hashtables
    /// and ordered dictionaries. Where the thread has a <see cref="ShapeWriter"/>, one whose names
    /// (and type names) were seen before goes as its shape's number and its values only; otherwise
    /// with its names, as <see cref="ValueCodec"/> always wrote them.
    /// </summary>
    internal static class RowWriter
    {
        private static readonly string[] NoTypeNames = Array.Empty<string>();

        /// <summary>The names of the value being written; filled and read before any of its values is written, so nested values reuse it.</summary>
        [ThreadStatic]
        private static List<string>? s_names;

        /// <summary>The object's properties, read once, if all of them are note properties.</summary>
        public static bool TryGetNoteProperties(PSObject wrapper, out List<PSPropertyInfo> properties)
        {
            properties = new List<PSPropertyInfo>(8);
            return NoteProperties.TryGet(wrapper, properties);
        }

        /// <summary>A pscustomobject of note properties: as a row of its shape where the thread has a shape writer, else with its names.</summary>
        public static void WriteCustomObject(PayloadWriter w, PSObject wrapper, List<PSPropertyInfo> properties, int depth)
        {
            ShapeWriter? shapes = ShapeWriter.Current;
            if (shapes != null)
            {
                List<string> names = Names();
                foreach (PSPropertyInfo property in properties)
                {
                    names.Add(property.Name);
                }

                int shape = shapes.IdOf(TypeNameAccess.Read(wrapper), names);
                if (shape >= 0)
                {
                    w.WriteByte((byte)ValueCodec.Tag.Shaped);
                    w.WriteVarUInt((ulong)shape);
                    foreach (PSPropertyInfo property in properties)
                    {
                        ValueCodec.Write(w, property.Value, depth + 1);
                    }

                    return;
                }
            }

            w.WriteByte((byte)ValueCodec.Tag.CustomObject);
            IList<string> typeNames = TypeNameAccess.Read(wrapper);
            w.WriteVarUInt((ulong)typeNames.Count);
            foreach (string name in typeNames)
            {
                w.WriteString(name);
            }

            w.WriteVarUInt((ulong)properties.Count);
            foreach (PSPropertyInfo property in properties)
            {
                w.WriteString(property.Name);
                ValueCodec.Write(w, property.Value, depth + 1);
            }
        }

        /// <summary>A hashtable or ordered dictionary: as its keys' shape where the thread has a shape writer and every key is a string, else with its keys.</summary>
        public static void WriteDictionary(PayloadWriter w, IDictionary dictionary, bool ordered, int depth)
        {
            int shape = ShapeOf(dictionary);
            if (shape >= 0)
            {
                w.WriteByte((byte)(ordered ? ValueCodec.Tag.ShapedOrdered : ValueCodec.Tag.ShapedHashtable));
                w.WriteVarUInt((ulong)shape);
                foreach (DictionaryEntry entry in dictionary)
                {
                    ValueCodec.Write(w, entry.Value, depth + 1);
                }

                return;
            }

            w.WriteByte((byte)(ordered ? ValueCodec.Tag.Ordered : ValueCodec.Tag.Hashtable));
            w.WriteVarUInt((ulong)dictionary.Count);
            foreach (DictionaryEntry entry in dictionary)
            {
                ValueCodec.Write(w, entry.Key, depth + 1);
                ValueCodec.Write(w, entry.Value, depth + 1);
            }
        }

        /// <summary>The shape of the dictionary's keys, in the order it enumerates them, or -1.</summary>
        private static int ShapeOf(IDictionary dictionary)
        {
            ShapeWriter? shapes = ShapeWriter.Current;
            if (shapes == null || dictionary.Count == 0)
            {
                return -1;
            }

            List<string> names = Names();
            foreach (DictionaryEntry entry in dictionary)
            {
                if (!(entry.Key is string key))
                {
                    return -1;
                }

                names.Add(key);
            }

            // A dictionary changed while it was read would not match its shape.
            return names.Count == dictionary.Count ? shapes.IdOf(NoTypeNames, names) : -1;
        }

        private static List<string> Names()
        {
            List<string> names = s_names ?? (s_names = new List<string>(16));
            names.Clear();
            return names;
        }
    }
}
