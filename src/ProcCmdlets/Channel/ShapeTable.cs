using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// The reading side of row shapes on one channel: the shapes the other side defined, in order.
    /// The session keeps one per worker, used only on that worker's reader thread, which reads its
    /// definitions and its records in the order they were sent; a worker keeps one for its input
    /// items, used only on its main thread, which reads the definitions and the chunks. What comes
    /// over a channel is not trusted: ids and names are checked as they are read.
    /// </summary>
    internal sealed class ShapeTable
    {
        [ThreadStatic]
        private static ShapeTable? s_current;

        private readonly List<Shape> _shapes = new List<Shape>();

        /// <summary>The table rows read on this thread name their shapes in, or null where none may be named.</summary>
        public static ShapeTable? Current
        {
            get => s_current;
            set => s_current = value;
        }

        public int Count => _shapes.Count;

        /// <summary>Adds the shapes of a <see cref="FrameKind.Shapes"/> frame.</summary>
        /// <exception cref="InvalidDataException">The frame is malformed, out of order, or defines too many shapes.</exception>
        public void Define(PayloadReader r)
        {
            List<Shape> shapes = ShapeDefinitions.Read(r, out int firstId);
            if (firstId != _shapes.Count || _shapes.Count + shapes.Count > ShapeWriter.MaxShapes)
            {
                throw new InvalidDataException("A row shape was defined out of order or past the limit.");
            }

            foreach (Shape shape in shapes)
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (string name in shape.PropertyNames)
                {
                    if (!seen.Add(name))
                    {
                        throw new InvalidDataException("A row shape names a property twice.");
                    }
                }

                _shapes.Add(shape.ForReading());
            }
        }

        /// <summary>Reads a row of a defined shape (after its tag): its values, in the shape's order.</summary>
        /// <exception cref="InvalidDataException">The shape is unknown here, or a value is malformed.</exception>
        public static PSObject ReadRow(PayloadReader r, int depth)
        {
            Shape shape = ReadShape(r);
            var row = new PSObject();

            // The table holds only shapes it made ForReading.
            TypeNameAccess.Set(row, shape.SharedNames, shape.DeserializedNames!);

            string[] names = shape.PropertyNames;
            if (shape.NamesNoted && RowMembers.Available)
            {
                object members = RowMembers.Start(row, names.Length);
                foreach (string name in names)
                {
                    RowMembers.Add(members, row, new PSNoteProperty(name, ValueDecoder.Read(r, depth + 1)));
                }

                return row;
            }

            foreach (string name in names)
            {
                row.Properties.Add(new PSNoteProperty(name, ValueDecoder.Read(r, depth + 1)), true);
            }

            shape.NamesNoted = true;
            return row;
        }

        /// <summary>
        /// Reads a hashtable or ordered dictionary of a defined shape (after its tag): its values, in
        /// the order of the shape's names, which are its keys. Its keys ignore case, as a dictionary
        /// sent with its keys does.
        /// </summary>
        /// <exception cref="InvalidDataException">The shape is unknown here, or a value is malformed.</exception>
        public static IDictionary ReadDictionary(PayloadReader r, int depth, bool ordered)
        {
            Shape shape = ReadShape(r);
            string[] names = shape.PropertyNames;
            IDictionary table = ordered
                ? new OrderedDictionary(names.Length, StringComparer.OrdinalIgnoreCase)
                : (IDictionary)new Hashtable(names.Length, StringComparer.OrdinalIgnoreCase);
            foreach (string name in names)
            {
                table[name] = ValueDecoder.Read(r, depth + 1);
            }

            return table;
        }

        private static Shape ReadShape(PayloadReader r)
        {
            int id = r.ReadCount();
            ShapeTable? table = s_current;
            if (table == null || id >= table._shapes.Count)
            {
                throw new InvalidDataException("A value names a shape its channel has not defined.");
            }

            return table._shapes[id];
        }
    }
}
