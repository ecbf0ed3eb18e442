using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>Rows sent with their shape's number: the names go once per channel, and the rows read back as rows sent with their names do.</summary>
    public class ShapeTests
    {
        private static List<PSObject> Rows(string script)
        {
            using var ps = PowerShell.Create();
            ps.AddScript(script);
            var results = ps.Invoke().ToList();
            Assert.False(ps.HadErrors, "the script wrote errors");
            return results;
        }

        /// <summary>Writes each value as a worker's relay does, then reads the channel back as a pool's reader does.</summary>
        private static (List<object?> Values, List<Frame> Frames) SendAndRead(IEnumerable<PSObject> values)
        {
            var stream = new MemoryStream();
            using (var writer = new FrameWriter(stream))
            {
                ShapeWriter.Current = ShapeWriter.For(writer);
                try
                {
                    foreach (PSObject value in values)
                    {
                        var payload = new PayloadWriter();
                        ValueCodec.Write(payload, value);
                        writer.Send(FrameKind.Record, payload);
                    }
                }
                finally
                {
                    ShapeWriter.Current = null;
                }

                writer.Flush(TimeSpan.FromSeconds(30));
            }

            var frames = new List<Frame>();
            var reader = new FrameReader(new MemoryStream(stream.ToArray()));
            while (reader.TryRead(out Frame frame))
            {
                frames.Add(frame);
            }

            var table = new ShapeTable();
            var read = new List<object?>();
            ShapeTable.Current = table;
            try
            {
                foreach (Frame frame in frames)
                {
                    if (frame.Kind == FrameKind.Shapes)
                    {
                        table.Define(frame.Reader());
                    }
                    else
                    {
                        PayloadReader r = frame.Reader();
                        read.Add(ValueCodec.Read(r));
                        Assert.True(r.AtEnd);
                    }
                }
            }
            finally
            {
                ShapeTable.Current = null;
            }

            return (read, frames);
        }

        private static string Describe(object? value) => value is PSObject o && o.BaseObject is PSCustomObject
            ? string.Join("/", o.TypeNames) + "{" + string.Join(";", o.Properties.Select(p => p.Name + "=" + Describe(p.Value))) + "}"
            : value?.ToString() ?? "null";

        [Fact]
        public void RowsReadBackAsRowsSentWithTheirNamesAndEachShapeIsDefinedOnce()
        {
            var rows = Rows("1..50 | ForEach-Object { [pscustomobject]@{ A = $_; B = \"b$_\"; C = $null; D = [pscustomobject]@{ X = $_ } }; if ($_ % 10 -eq 0) { [pscustomobject]@{ PSTypeName = 'My.Row'; A = 'other' } } }");
            var (values, frames) = SendAndRead(rows);

            Assert.Equal(3, frames.Count(f => f.Kind == FrameKind.Shapes));
            Assert.Equal(rows.Count, values.Count);
            for (int i = 0; i < rows.Count; i++)
            {
                var named = ValueCodecTests.RoundTrip(rows[i]);
                Assert.Equal(Describe(named), Describe(values[i]));
            }

            Assert.Equal("Deserialized.My.Row", Assert.IsType<PSObject>(values[9 + 1]).TypeNames[0]);

            // A row names its shape in a few bytes instead of carrying its names.
            var records = frames.Where(f => f.Kind == FrameKind.Record).ToList();
            Assert.Equal((byte)ValueCodec.Tag.Shaped, records[1].Payload[0]);
            Assert.True(records[1].Payload.Length < ValueCodecTests.Encode(rows[1]).Length / 2);
        }

        [Fact]
        public void AShapesFrameRoundTrips()
        {
            var shape = new Shape(new[] { "T.One", "System.Object" }, new[] { "A", "Bé", string.Empty });
            var w = new PayloadWriter();
            ShapeDefinitions.Write(w, 7, shape);
            var r = new PayloadReader(w.ToArray());
            var back = Assert.Single(ShapeDefinitions.Read(r, out int firstId));
            Assert.True(r.AtEnd);
            Assert.Equal(7, firstId);
            Assert.Equal(shape.TypeNames, back.TypeNames);
            Assert.Equal(shape.PropertyNames, back.PropertyNames);
        }

        private static byte[] Definition(int firstId, params string[] names)
        {
            var w = new PayloadWriter();
            ShapeDefinitions.Write(w, firstId, new Shape(new[] { "T" }, names));
            return w.ToArray();
        }

        [Fact]
        public void AWorkersHostileShapesAreRefused()
        {
            var table = new ShapeTable();
            Assert.Throws<InvalidDataException>(() => table.Define(new PayloadReader(Definition(1, "A"))));
            Assert.Throws<InvalidDataException>(() => table.Define(new PayloadReader(Definition(0, "A", "a"))));
            Assert.Throws<InvalidDataException>(() => table.Define(new PayloadReader(new byte[] { 0, 200, 1 })));
            Assert.Equal(0, table.Count);
            for (int i = 0; i < ShapeWriter.MaxShapes; i++)
            {
                table.Define(new PayloadReader(Definition(i, "A" + i)));
            }

            Assert.Throws<InvalidDataException>(() => table.Define(new PayloadReader(Definition(ShapeWriter.MaxShapes, "Z"))));

            // A row naming a shape that was never defined, or read where no shapes are kept.
            var row = new byte[] { (byte)ValueCodec.Tag.Shaped, 0, (byte)ValueCodec.Tag.Null };
            Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(row)));
            ShapeTable.Current = new ShapeTable();
            try
            {
                Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(row)));
            }
            finally
            {
                ShapeTable.Current = null;
            }
        }

        [Fact]
        public void WithoutAShapeWriterRowsCarryTheirNames()
        {
            var row = Assert.Single(Rows("[pscustomobject]@{ A = 1 }"));
            Assert.Equal((byte)ValueCodec.Tag.CustomObject, ValueCodecTests.Encode(row)[0]);
        }
    }
}
