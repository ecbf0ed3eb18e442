using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>
    /// Input items' rows as a pool sends them: numbered by one writer for the whole pool, their
    /// definitions sent to each worker before the chunk that names them, read back by the worker.
    /// </summary>
    public class InputShapeTests
    {
        private static List<PSObject> Items(string script)
        {
            using var ps = PowerShell.Create();
            ps.AddScript(script);
            var results = ps.Invoke().ToList();
            Assert.False(ps.HadErrors, "the script wrote errors");
            return results;
        }

        private static byte[] Encode(ShapeWriter shapes, object? item)
        {
            var w = new PayloadWriter();
            ShapeWriter.Current = shapes;
            try
            {
                ValueCodec.Write(w, item);
            }
            finally
            {
                ShapeWriter.Current = null;
            }

            return w.ToArray();
        }

        /// <summary>Reads encoded items as a worker does, after the definitions the pool would have sent it.</summary>
        private static List<object?> ReadAsWorker(ShapeTable table, IEnumerable<byte[]> items) => ShapedRoundTrip.Read(table, items);

        private static void Define(ShapeTable table, ShapeWriter shapes, int from)
        {
            var w = new PayloadWriter();
            int count = shapes.WriteDefinitions(w, from);
            if (count > from)
            {
                table.Define(new PayloadReader(w.ToArray()));
            }

            Assert.Equal(count, table.Count);
        }

        internal static string Describe(object? value) => value is PSObject o && o.BaseObject is PSCustomObject
            ? string.Join("/", o.TypeNames) + "{" + string.Join(";", o.Properties.Select(p => p.Name + "=" + Describe(p.Value))) + "}"
            : value?.ToString() ?? "null";

        [Fact]
        public void ItemsOfSeveralShapesReadBackAsItemsSentWithTheirNames()
        {
            var items = Items("1..40 | ForEach-Object { if ($_ % 3) { [pscustomobject]@{ A = $_; B = $null; C = [pscustomobject]@{ X = \"x$_\" } } } else { [pscustomobject]@{ PSTypeName = 'My.Item'; A = $_ } } }");
            var shapes = ShapeWriter.Unsent();
            var encoded = items.Select(i => Encode(shapes, i)).ToList();

            // Three shapes: the outer row, its nested row, and My.Item.
            Assert.Equal(3, shapes.Count);
            Assert.Equal((byte)ValueCodec.Tag.Shaped, encoded[0][0]);
            Assert.True(encoded[0].Length < ValueCodecTests.Encode(items[0]).Length / 2);

            var table = new ShapeTable();
            Define(table, shapes, 0);
            var read = ReadAsWorker(table, encoded);
            Assert.Equal(items.Count, read.Count);
            for (int i = 0; i < items.Count; i++)
            {
                Assert.Equal(Describe(ValueCodecTests.RoundTrip(items[i])), Describe(read[i]));
            }

            Assert.Equal("Deserialized.My.Item", Assert.IsType<PSObject>(read[2]).TypeNames[0]);
        }

        [Fact]
        public void AChunkOfManyShapedRowsReadsWithinTheDecodeBudget()
        {
            // A chunk's items are read from one payload, which shaped rows make small for their values.
            var items = Items("1..300 | ForEach-Object { [pscustomobject]@{ A = $null; B = $null; C = $null; D = $null; E = $null } }");
            var shapes = ShapeWriter.Unsent();
            var chunk = new PayloadWriter();
            foreach (byte[] item in items.Select(i => Encode(shapes, i)))
            {
                chunk.WriteRaw(item);
            }

            var table = new ShapeTable();
            Define(table, shapes, 0);
            var r = new PayloadReader(chunk.ToArray());
            ShapeTable.Current = table;
            try
            {
                for (int i = 0; i < items.Count; i++)
                {
                    Assert.IsType<PSObject>(ValueCodec.Read(r));
                }
            }
            finally
            {
                ShapeTable.Current = null;
            }

            Assert.True(r.AtEnd);
        }

        [Fact]
        public void AWorkerIsSentOnlyTheShapesItLacks()
        {
            var shapes = ShapeWriter.Unsent();
            var table = new ShapeTable();
            byte[] first = Encode(shapes, Items("[pscustomobject]@{ A = 1 }")[0]);
            Define(table, shapes, 0);
            byte[] second = Encode(shapes, Items("[pscustomobject]@{ B = 2 }")[0]);

            // Nothing new since the first definition: nothing to send.
            Assert.Equal(2, shapes.WriteDefinitions(new PayloadWriter(), 2));
            var none = new PayloadWriter();
            Assert.Equal(1, ShapeWriter.Unsent().WriteDefinitions(none, 1));
            Assert.Equal(0, none.Length);

            Define(table, shapes, 1);
            var read = ReadAsWorker(table, new[] { first, second });
            Assert.Equal(1, Assert.IsType<PSObject>(read[0]).Properties["A"].Value);
            Assert.Equal(2, Assert.IsType<PSObject>(read[1]).Properties["B"].Value);
        }

        [Fact]
        public void HostileInputShapesAreRefused()
        {
            var table = new ShapeTable();
            var w = new PayloadWriter();
            ShapeDefinitions.Write(w, 0, new Shape(new[] { "T" }, new[] { "A" }));
            table.Define(new PayloadReader(w.ToArray()));

            // A row naming a shape never declared.
            var undeclared = new byte[] { (byte)ValueCodec.Tag.Shaped, 5, (byte)ValueCodec.Tag.Null };
            Assert.Throws<InvalidDataException>(() => ReadAsWorker(table, new[] { undeclared }));

            // A shape declaring more names than its frame holds.
            var tooMany = new PayloadWriter();
            tooMany.WriteVarUInt(1);
            tooMany.WriteVarUInt(1);
            tooMany.WriteVarUInt(0);
            tooMany.WriteVarUInt(100000);
            tooMany.WriteString("A");
            Assert.Throws<InvalidDataException>(() => table.Define(new PayloadReader(tooMany.ToArray())));
            Assert.Equal(1, table.Count);

            // A row with fewer values than its shape has names.
            var wide = new PayloadWriter();
            ShapeDefinitions.Write(wide, 1, new Shape(System.Array.Empty<string>(), Enumerable.Range(0, 1000).Select(i => "P" + i).ToArray()));
            table.Define(new PayloadReader(wide.ToArray()));
            var shortRow = new byte[] { (byte)ValueCodec.Tag.Shaped, 1, (byte)ValueCodec.Tag.Null };
            Assert.Throws<InvalidDataException>(() => ReadAsWorker(table, new[] { shortRow }));
        }
    }
}
