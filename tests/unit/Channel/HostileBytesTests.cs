using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>What a hostile worker or host can make the session spend: each bound against the bytes that would break it.</summary>
    public class HostileBytesTests
    {
        private static byte[] Header(uint length, FrameKind kind) =>
            new[] { (byte)length, (byte)(length >> 8), (byte)(length >> 16), (byte)(length >> 24), (byte)kind };

        private static byte[] Encode(object value)
        {
            var w = new PayloadWriter();
            ValueCodec.Write(w, value);
            return w.ToArray();
        }

        [Fact]
        public void AFrameDeclaringAGigabyteCostsOnlyTheBytesThatCame()
        {
            // Four headers of 1 GiB each, each followed by a few bytes and the end: today's reader
            // allocated 4 GB before finding that the bytes never came.
            for (int i = 0; i < 4; i++)
            {
                byte[] wire = Header(FrameReader.DefaultMaxFrameBytes, FrameKind.Record).Concat(new byte[100]).ToArray();
                var reader = new FrameReader(new MemoryStream(wire));
                long before = GC.GetAllocatedBytesForCurrentThread();
                Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));
                Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
            }
        }

        [Fact]
        public void AFrameThatArrivesInFullIsReadWhateverItsSize()
        {
            byte[] payload = new byte[3 * 1024 * 1024 + 17];
            new Random(5).NextBytes(payload);
            byte[] wire = Header((uint)payload.Length + 1, FrameKind.Record).Concat(payload).ToArray();
            var reader = new FrameReader(new MemoryStream(wire));
            Assert.True(reader.TryRead(out Frame frame));
            Assert.Equal(payload, frame.Payload);
            Assert.False(reader.TryRead(out _));
        }

        [Fact]
        public void AHostsFramesAreLimitedBelowALocalWorkers()
        {
            Assert.True(FrameReader.RemoteMaxFrameBytes < FrameReader.DefaultMaxFrameBytes);
            byte[] wire = Header(FrameReader.RemoteMaxFrameBytes + 1u, FrameKind.Record);
            var reader = new FrameReader(new MemoryStream(wire), FrameReader.RemoteMaxFrameBytes);
            var e = Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));
            Assert.Contains(FrameReader.RemoteMaxFrameBytes.ToString(CultureInfo.InvariantCulture), e.Message);

        }

        [Fact]
        public void FourMegabytesOfEmptyHashtablesAreRefusedWithinTheFramesBudget()
        {
            // An array of 2,000,000 empty hashtables: 2 bytes each on the wire, 176 once read (343 MB in all before the budget).
            AssertRefusedWithinBudget(ArrayOf(2_000_000, (byte)ValueCodec.Tag.Hashtable, 0));
        }

        [Fact]
        public void EmptyCustomObjectsAreRefusedWithinTheFramesBudget()
        {
            AssertRefusedWithinBudget(ArrayOf(500_000, (byte)ValueCodec.Tag.CustomObject, 0, 0));
        }

        /// <summary>An array payload of <paramref name="count"/> copies of one encoded element.</summary>
        private static byte[] ArrayOf(int count, params byte[] element)
        {
            var w = new PayloadWriter();
            w.WriteByte((byte)ValueCodec.Tag.Array);
            w.WriteVarUInt((ulong)count);
            for (int i = 0; i < count; i++)
            {
                foreach (byte b in element)
                {
                    w.WriteByte(b);
                }
            }

            return w.ToArray();
        }

        private static void AssertRefusedWithinBudget(byte[] payload)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(payload)));
            long spent = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.InRange(spent, 0, (long)PayloadReader.DecodeBytesPerPayloadByte * payload.Length + PayloadReader.DecodeBytesPerFrame);
        }

        [Fact]
        public void OrdinaryOutputDecodesWithinTheBudget()
        {
            object[] Many(int n, Func<int, object> make) => Enumerable.Range(0, n).Select(make).ToArray();
            PSObject Props(int n)
            {
                var o = new PSObject();
                for (int k = 0; k < n; k++)
                {
                    o.Properties.Add(new PSNoteProperty("p" + k, null));
                }

                return o;
            }

            // The densest shapes measured: small tables, objects of many tiny properties, booleans.
            foreach (object value in new object[]
            {
                Many(100_000, i => new Hashtable { ["a"] = i }),
                Many(10_000, i => Props(10)),
                Many(100_000, i => new PSObject(new Hashtable { ["a"] = i })),
                Many(100_000, i => true),
                Many(100_000, i => "abc"),
                new Hashtable(),
                Props(0),
            })
            {
                object? back = ValueCodec.Read(new PayloadReader(Encode(value)));
                Assert.NotNull(back);
            }
        }

        /// <summary>Console text without a newline, made as it is read: the test holds none of it.</summary>
        private sealed class EndlessText : TextReader
        {
            private long _left;

            public EndlessText(long chars) => _left = chars;

            public long Sum { get; private set; }

            public override int Read(char[] buffer, int index, int count)
            {
                int n = (int)Math.Min(count, _left);
                for (int i = 0; i < n; i++)
                {
                    buffer[index + i] = (char)('a' + (_left - i) % 26);
                    Sum += buffer[index + i];
                }

                _left -= n;
                return n;
            }
        }

        [Fact]
        public void AConsoleLineWithoutANewlineComesInPiecesAndLosesNothing()
        {
            long total = 20L << 20;
            var text = new EndlessText(total);
            var reader = new BoundedLineReader(text);
            long chars = 0, sum = 0;
            int pieces = 0;
            string? piece;
            while ((piece = reader.ReadLine()) != null)
            {
                Assert.InRange(piece.Length, 1, BoundedLineReader.MaxLineChars);
                chars += piece.Length;
                foreach (char c in piece)
                {
                    sum += c;
                }

                pieces++;
            }

            Assert.Equal(total, chars);
            Assert.Equal(text.Sum, sum);
            Assert.Equal((int)(total / BoundedLineReader.MaxLineChars), pieces);
        }

        [Fact]
        public void LinesAreSplitWithoutAddingOrLosingLines()
        {
            string input = "short\r\n" + new string('x', 10) + "\n\n" + "tail\r" + "abcdefghi\U0001F600\n" + "end";
            var lines = ReadLines(new BoundedLineReader(new StringReader(input), 10));

            // The newline right after a full piece ends it; the empty line after it is the input's own.
            // A surrogate pair is never cut in two.
            Assert.Equal(new[] { "short", new string('x', 10), string.Empty, "tail", "abcdefghi", "\U0001F600", "end" }, lines);

            // Text with no line over the limit reads as .NET reads it.
            Assert.Equal(ReadLines(new StringReader(input)), ReadLines(new BoundedLineReader(new StringReader(input))));
        }

        [Fact]
        public void AConsoleSyncMarkerAfterLongUnfinishedTextStaysWhole()
        {
            string marker = ConsoleSync.Line(1234567890123);
            var lines = ReadLines(new BoundedLineReader(new StringReader(new string('y', 50) + marker + "\nnext"), 64));
            Assert.Equal(new[] { new string('y', 50), marker, "next" }, lines);
        }

        private static string[] ReadLines(TextReader reader)
        {
            var lines = new System.Collections.Generic.List<string>();
            string? line;
            while ((line = reader.ReadLine()) != null)

            {
                lines.Add(line);
            }

            return lines.ToArray();
        }
    }
}
