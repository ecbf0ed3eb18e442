using System;
using System.IO;
using System.Linq;
using System.Text;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    public class PayloadTests
    {
        private static PayloadReader ReaderOf(PayloadWriter writer) => new PayloadReader(writer.ToArray());

        [Theory]
        [InlineData(0UL, 1)]
        [InlineData(1UL, 1)]
        [InlineData(127UL, 1)]
        [InlineData(128UL, 2)]
        [InlineData(16383UL, 2)]
        [InlineData(16384UL, 3)]
        [InlineData((ulong)int.MaxValue, 5)]
        [InlineData((ulong)uint.MaxValue, 5)]
        [InlineData((ulong)long.MaxValue, 9)]
        [InlineData(ulong.MaxValue, 10)]
        public void VarUIntRoundTripsInTheExpectedSize(ulong value, int size)
        {
            var w = new PayloadWriter();
            w.WriteVarUInt(value);
            Assert.Equal(size, w.Length);
            var r = ReaderOf(w);
            Assert.Equal(value, r.ReadVarUInt());
            Assert.True(r.AtEnd);
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(1L)]
        [InlineData(-1L)]
        [InlineData(63L)]
        [InlineData(-64L)]
        [InlineData(64L)]
        [InlineData((long)int.MinValue)]
        [InlineData((long)int.MaxValue)]
        [InlineData((long)uint.MaxValue)]
        [InlineData(long.MinValue)]
        [InlineData(long.MaxValue)]
        [InlineData(long.MinValue + 1)]
        [InlineData(long.MaxValue - 1)]
        public void VarIntRoundTrips(long value)
        {
            var w = new PayloadWriter();
            w.WriteVarInt(value);
            var r = ReaderOf(w);
            Assert.Equal(value, r.ReadVarInt());
            Assert.True(r.AtEnd);
        }

        [Theory]
        [InlineData(0L, new byte[] { 0x00 })]
        [InlineData(-1L, new byte[] { 0x01 })]
        [InlineData(1L, new byte[] { 0x02 })]
        [InlineData(-2L, new byte[] { 0x03 })]
        [InlineData(-64L, new byte[] { 0x7F })]
        [InlineData(64L, new byte[] { 0x80, 0x01 })]
        [InlineData(long.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
        [InlineData(long.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
        public void VarIntUsesZigZag(long value, byte[] expected)
        {
            var w = new PayloadWriter();
            w.WriteVarInt(value);
            Assert.Equal(expected, w.ToArray());
        }

        [Fact]
        public void SmallMagnitudeIntsStaySmall()
        {
            foreach (int value in new[] { int.MinValue, int.MaxValue })
            {
                var w = new PayloadWriter();
                w.WriteVarInt(value);
                Assert.Equal(5, w.Length);
            }
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(1L)]
        [InlineData(-1L)]
        [InlineData(long.MinValue)]
        [InlineData(long.MaxValue)]
        [InlineData(0x0102030405060708L)]
        public void Int64IsEightLittleEndianBytes(long value)
        {
            var w = new PayloadWriter();
            w.WriteInt64(value);
            Assert.Equal(BitConverter.IsLittleEndian ? BitConverter.GetBytes(value) : BitConverter.GetBytes(value).Reverse().ToArray(), w.ToArray());
            var r = ReaderOf(w);
            Assert.Equal(value, r.ReadInt64());
            Assert.True(r.AtEnd);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(1.5)]
        [InlineData(-1e308)]
        [InlineData(double.Epsilon)]
        [InlineData(double.MaxValue)]
        [InlineData(double.MinValue)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        [InlineData(double.NegativeInfinity)]
        public void DoubleRoundTripsBitForBit(double value)
        {
            var w = new PayloadWriter();
            w.WriteDouble(value);
            Assert.Equal(8, w.Length);
            double back = ReaderOf(w).ReadDouble();
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(back));
        }

        [Fact]
        public void NegativeZeroKeepsItsSign()
        {
            var w = new PayloadWriter();
            w.WriteDouble(-0.0);
            Assert.True(double.IsNegative(new PayloadReader(w.ToArray()).ReadDouble()));
        }

        [Fact]
        public void BytesAndBoolsRoundTrip()
        {
            var w = new PayloadWriter(1);
            w.WriteByte(0);
            w.WriteByte(255);
            w.WriteBool(true);
            w.WriteBool(false);
            Assert.Equal(new byte[] { 0, 255, 1, 0 }, w.ToArray());
            var r = ReaderOf(w);
            Assert.Equal(0, r.ReadByte());
            Assert.Equal(255, r.ReadByte());
            Assert.True(r.ReadBool());
            Assert.False(r.ReadBool());
            Assert.True(r.AtEnd);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("a")]
        [InlineData("Hello, world! 0123456789")]
        [InlineData("héllo wörld ñ ß")]
        [InlineData("日本語のテキスト")]
        [InlineData("😀👍🏽 family: 👨‍👩‍👧‍👦")]
        [InlineData("mixed: a é 日 😀 \0 \r\n\t end")]
        public void StringsRoundTrip(string? value)
        {
            var w = new PayloadWriter(1);
            w.WriteString(value);
            var r = ReaderOf(w);
            Assert.Equal(value, r.ReadString());
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void NullAndEmptyStringsAreDistinct()
        {
            var w = new PayloadWriter();
            w.WriteString(null);
            w.WriteString(string.Empty);
            Assert.Equal(new byte[] { 0, 1 }, w.ToArray());
            var r = ReaderOf(w);
            Assert.Null(r.ReadString());
            Assert.Equal(string.Empty, r.ReadString());
        }

        [Fact]
        public void StringIsALengthPlusOnePrefixThenUtf8()
        {
            var w = new PayloadWriter();
            w.WriteString("é😀");
            byte[] utf8 = Encoding.UTF8.GetBytes("é😀");
            Assert.Equal(new[] { (byte)(utf8.Length + 1) }.Concat(utf8).ToArray(), w.ToArray());
        }

        [Theory]
        [InlineData(126)]
        [InlineData(127)]
        [InlineData(128)]
        [InlineData(16382)]
        [InlineData(16383)]
        [InlineData(16384)]
        [InlineData(2_097_150)]
        [InlineData(2_097_151)]
        [InlineData(2_097_152)]
        public void StringsAroundPrefixSizeBoundariesRoundTripAfterOtherContent(int byteLength)
        {
            // Mix one- and two-byte characters so the UTF-8 length differs from the char count.
            int twoByte = Math.Min(byteLength / 4, 1000);
            string value = new string('é', twoByte) + new string('a', byteLength - 2 * twoByte);
            Assert.Equal(byteLength, Encoding.UTF8.GetByteCount(value));

            var w = new PayloadWriter(8);
            w.WriteVarUInt(12345);
            w.WriteString(value);
            w.WriteString("after");
            w.WriteVarInt(-7);
            var r = ReaderOf(w);
            Assert.Equal(12345UL, r.ReadVarUInt());
            Assert.Equal(value, r.ReadString());
            Assert.Equal("after", r.ReadString());
            Assert.Equal(-7, r.ReadVarInt());
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void ManyStringsInARowKeepTheirBoundaries()
        {
            var w = new PayloadWriter(1);
            var values = Enumerable.Range(0, 500).Select(i => i % 7 == 0 ? null : new string((char)('a' + (i % 26)), i) + "😀").ToArray();
            foreach (string? value in values)
            {
                w.WriteString(value);
            }

            var r = ReaderOf(w);
            foreach (string? value in values)
            {
                Assert.Equal(value, r.ReadString());

            }

            Assert.True(r.AtEnd);
        }

        [Fact]
        public void TwentyMegabyteStringRoundTrips()
        {
            string value = string.Create(20 * 1024 * 1024, 0, (span, _) =>
            {
                for (int i = 0; i < span.Length; i++)
                {
                    span[i] = (char)('A' + (i % 26));
                }
            });
            string multiByte = string.Concat(Enumerable.Repeat("日😀", 2 * 1024 * 1024));

            var w = new PayloadWriter();
            w.WriteString(value);
            w.WriteString(multiByte);
            var r = ReaderOf(w);
            Assert.Equal(value, r.ReadString());
            Assert.Equal(multiByte, r.ReadString());
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void ByteArraysRoundTrip()
        {
            var big = new byte[100 * 1024];
            new Random(5).NextBytes(big);
            var w = new PayloadWriter(1);
            w.WriteBytes(Array.Empty<byte>());
            w.WriteBytes(new byte[] { 42 });
            w.WriteBytes(big);
            var r = ReaderOf(w);
            Assert.Empty(r.ReadBytes());
            Assert.Equal(new byte[] { 42 }, r.ReadBytes());
            Assert.Equal(big, r.ReadBytes());
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void WriteRawAppendsBytesAsTheyAre()
        {
            var w = new PayloadWriter(1);
            w.WriteByte(9);
            w.WriteRaw(new byte[] { 1, 2, 3 });
            Assert.Equal(new byte[] { 9, 1, 2, 3 }, w.ToArray());
        }

        [Fact]
        public void ResetAndTruncateRewindTheWriter()
        {
            var w = new PayloadWriter();
            w.WriteString("discarded");
            Assert.Same(w, w.Reset());
            Assert.Equal(0, w.Length);
            w.WriteVarUInt(1);
            int mark = w.Length;
            w.WriteString("also discarded");
            w.Truncate(mark);
            w.WriteString("kept");
            var r = ReaderOf(w);
            Assert.Equal(1UL, r.ReadVarUInt());
            Assert.Equal("kept", r.ReadString());
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void WriterGrowsFromATinyCapacity()
        {
            var w = new PayloadWriter(1);
            for (int i = 0; i < 10_000; i++)
            {
                w.WriteVarInt(i * 1000L - 5_000_000);
            }

            var r = ReaderOf(w);
            for (int i = 0; i < 10_000; i++)
            {
                Assert.Equal(i * 1000L - 5_000_000, r.ReadVarInt());
            }

            Assert.True(r.AtEnd);
        }

        [Fact]
        public void EveryTruncationOfAPayloadThrowsInvalidData()
        {
            var w = new PayloadWriter();
            w.WriteByte(7);
            w.WriteVarUInt(300);
            w.WriteVarInt(long.MinValue);
            w.WriteInt64(123456789);
            w.WriteDouble(Math.PI);
            w.WriteString("héllo 😀");
            w.WriteBytes(new byte[] { 1, 2, 3, 4 });
            w.WriteBool(true);
            byte[] full = w.ToArray();

            void ReadEverything(PayloadReader r)
            {
                Assert.Equal(7, r.ReadByte());
                Assert.Equal(300UL, r.ReadVarUInt());
                Assert.Equal(long.MinValue, r.ReadVarInt());
                Assert.Equal(123456789, r.ReadInt64());
                Assert.Equal(Math.PI, r.ReadDouble());
                Assert.Equal("héllo 😀", r.ReadString());
                Assert.Equal(new byte[] { 1, 2, 3, 4 }, r.ReadBytes());
                Assert.True(r.ReadBool());
            }

            ReadEverything(new PayloadReader(full));

            for (int cut = 0; cut < full.Length; cut++)
            {
                byte[] part = full.Take(cut).ToArray();
                Assert.Throws<InvalidDataException>(() => ReadEverything(new PayloadReader(part)));
            }
        }

        [Fact]
        public void ReadingPastTheEndThrowsInvalidData()
        {
            var r = new PayloadReader(Array.Empty<byte>());
            Assert.True(r.AtEnd);
            Assert.Throws<InvalidDataException>(() => r.ReadByte());
            Assert.Throws<InvalidDataException>(() => r.ReadInt64());
            Assert.Throws<InvalidDataException>(() => r.ReadVarUInt());
            Assert.Throws<InvalidDataException>(() => r.ReadString());
            Assert.Throws<InvalidDataException>(() => r.ReadBytes());
        }

        [Fact]
        public void OverlongVarIntThrowsInvalidData()
        {
            byte[] tooLong = Enumerable.Repeat((byte)0x80, 11).Concat(new byte[] { 0 }).ToArray();
            Assert.Throws<InvalidDataException>(() => new PayloadReader(tooLong).ReadVarUInt());
        }

        [Fact]
        public void CountAboveIntMaxThrowsInvalidData()
        {
            var w = new PayloadWriter();
            w.WriteVarUInt((ulong)int.MaxValue + 1);
            Assert.Throws<InvalidDataException>(() => ReaderOf(w).ReadCount());

            var ok = new PayloadWriter();
            ok.WriteVarUInt(int.MaxValue);
            Assert.Equal(int.MaxValue, ReaderOf(ok).ReadCount());
        }

        [Fact]
        public void StringDeclaringMoreBytesThanFollowThrowsInvalidData()
        {
            var w = new PayloadWriter();
            w.WriteVarUInt(11); // ten bytes declared
            w.WriteRaw(Encoding.UTF8.GetBytes("short"));
            Assert.Throws<InvalidDataException>(() => ReaderOf(w).ReadString());
        }

        [Fact]
        public void StringDeclaringIntMaxBytesThrowsInvalidData()
        {
            // A corrupt length near int.MaxValue must not slip past the bounds check.
            var w = new PayloadWriter();
            w.WriteVarUInt((ulong)int.MaxValue + 1);
            w.WriteRaw(Encoding.UTF8.GetBytes("short"));
            Assert.Throws<InvalidDataException>(() => ReaderOf(w).ReadString());
        }

        [Fact]
        public void StringDeclaringMoreThanIntMaxBytesThrowsInvalidData()
        {
            var w = new PayloadWriter();
            w.WriteVarUInt(1UL << 40);
            w.WriteRaw(Encoding.UTF8.GetBytes("short"));
            Assert.Throws<InvalidDataException>(() => ReaderOf(w).ReadString());
        }

        [Fact]
        public void BytesDeclaringIntMaxLengthThrowsInvalidData()
        {
            var w = new PayloadWriter();
            w.WriteByte(0);
            w.WriteVarUInt(int.MaxValue);
            w.WriteRaw(new byte[] { 1, 2, 3 });
            var r = ReaderOf(w);
            r.ReadByte();
            Assert.Throws<InvalidDataException>(() => r.ReadBytes());
        }
    }
}
