using System.Collections.Generic;
using System.IO;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Shapes of rows about to be sent, numbered on from those sent before on this channel: worker to
    /// session (Shapes) before the first record that names one of them, session to worker
    /// (InputShapes) before the first chunk whose items name one of them.
    /// </summary>
    internal static class ShapeDefinitions
    {
        public static void Write(PayloadWriter w, int firstId, Shape shape) => Write(w, firstId, new[] { shape });

        public static void Write(PayloadWriter w, int firstId, IReadOnlyList<Shape> shapes)
        {
            w.WriteVarUInt((ulong)firstId);
            w.WriteVarUInt((ulong)shapes.Count);
            foreach (Shape shape in shapes)
            {
                WriteOne(w, shape);
            }
        }

        private static void WriteOne(PayloadWriter w, Shape shape)
        {
            w.WriteVarUInt((ulong)shape.TypeNames.Length);
            foreach (string name in shape.TypeNames)
            {
                w.WriteString(name);
            }

            w.WriteVarUInt((ulong)shape.PropertyNames.Length);
            foreach (string name in shape.PropertyNames)
            {
                w.WriteString(name);
            }
        }

        /// <summary>Reads the shapes; <paramref name="firstId"/> is the number of the first.</summary>
        /// <exception cref="InvalidDataException">The payload is malformed.</exception>
        public static List<Shape> Read(PayloadReader r, out int firstId)
        {
            firstId = r.ReadCount();
            int count = r.ReadCount();
            if (count > r.Remaining)
            {
                throw new InvalidDataException("A shapes frame declares more shapes than it holds.");
            }

            var shapes = new List<Shape>(count);
            for (int i = 0; i < count; i++)
            {
                shapes.Add(new Shape(ReadNames(r), ReadNames(r)));
            }

            return shapes;
        }

        private static string[] ReadNames(PayloadReader r)
        {
            int count = r.ReadCount();
            if (count > r.Remaining)
            {
                throw new InvalidDataException("A shape declares more names than its frame holds.");
            }

            var names = new string[count];
            for (int i = 0; i < count; i++)
            {
                names[i] = r.ReadString() ?? throw new InvalidDataException("A shape has a null name.");
            }

            return names;
        }
    }
}
