using System.Collections.Generic;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>Values through the codec as a channel carries them: by their shapes, defined once.</summary>
    internal static class ShapedRoundTrip
    {
        /// <summary>Encodes the values with one shape writer, then reads them back after its definitions, as either side of a channel does.</summary>
        public static (List<byte[]> Encoded, List<object?> Read) Run(IEnumerable<object?> values)
        {
            var shapes = ShapeWriter.Unsent();
            var encoded = new List<byte[]>();
            ShapeWriter.Current = shapes;
            try
            {
                foreach (object? value in values)
                {
                    var w = new PayloadWriter();
                    ValueCodec.Write(w, value);
                    encoded.Add(w.ToArray());
                }
            }
            finally
            {
                ShapeWriter.Current = null;
            }

            var table = new ShapeTable();
            var definitions = new PayloadWriter();
            if (shapes.WriteDefinitions(definitions, 0) > 0)
            {
                table.Define(new PayloadReader(definitions.ToArray()));
            }

            return (encoded, Read(table, encoded));
        }

        /// <summary>Reads encoded values against a table of the shapes defined so far, as the other side of a channel does; each value must take its whole payload.</summary>
        public static List<object?> Read(ShapeTable table, IEnumerable<byte[]> items)
        {
            var read = new List<object?>();
            ShapeTable.Current = table;
            try
            {
                foreach (byte[] item in items)
                {
                    var r = new PayloadReader(item);
                    read.Add(ValueCodec.Read(r));
                    Assert.True(r.AtEnd);
                }
            }
            finally
            {
                ShapeTable.Current = null;
            }

            return read;
        }
    }
}
