using System.Collections.Generic;
using System.IO;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Worker to session: shapes of rows the worker is about to send, numbered on from those it sent
    /// before on this channel. Sent before the first record that names one of them.
    /// </summary>
    internal static class ShapeDefinitions
    {
        public static void Write(PayloadWriter w, int firstId, Shape shape)
        {
            w.WriteVarUInt((ulong)firstId);
            w.WriteVarUInt(1);
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
