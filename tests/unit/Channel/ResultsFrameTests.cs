using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Tests.Worker;
using ProcCmdlets.Worker;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>Results frames: a run of a chunk's output values and item ends in one frame.</summary>
    public class ResultsFrameTests
    {
        private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

        private static byte[] Output(int index, object? value)
        {
            var body = new PayloadWriter();
            ValueCodec.Write(body, value);
            var entry = new PayloadWriter();
            ResultEntry.WriteOutputPrefix(entry, index, body.Length);
            entry.WriteRaw(body.ToArray());
            return entry.ToArray();
        }

        private static byte[] Done(int index)
        {
            var entry = new PayloadWriter();
            ResultEntry.WriteDone(entry, index);
            return entry.ToArray();
        }

        private static void Add(QueuedFrames queue, long chunk, byte[] entry, int maxFrameBytes = 4096)
        {
            var payload = new PayloadWriter();
            payload.WriteVarUInt((ulong)chunk);
            payload.WriteRaw(entry);
            queue.Add(FrameKind.Results, payload.Buffer, 0, payload.Length, null, 0, maxFrameBytes);
        }

        private static List<Frame> Parse(byte[] batch, int length)
        {
            var reader = new FrameReader(new MemoryStream(batch, 0, length));
            var frames = new List<Frame>();
            while (reader.TryRead(out Frame frame))
            {
                frames.Add(frame);
            }

            return frames;
        }

        /// <summary>A Results frame's chunk and entries, values read back: "out 0 a", "done 0".</summary>
        private static (long Chunk, List<string> Entries) Open(Frame frame)
        {
            Assert.Equal(FrameKind.Results, frame.Kind);
            PayloadReader r = frame.Reader();
            long chunk = (long)r.ReadVarUInt();
            var entries = new List<ResultEntry>();
            ResultEntry.ReadAll(r, entries, _ => true, ValueCodec.Read, (i, e) => "undecodable: " + e.GetType().Name);
            return (chunk, entries.SelectMany(e => e.IsDone ? new[] { $"done {e.Index}" }
                : e.EndsItem ? new[] { $"{e.Stream} {e.Index} {e.Value}", $"done {e.Index}" }
                : new[] { $"{e.Stream} {e.Index} {e.Value}" }).ToList());
        }

        private static void AssertRun(Frame frame, long chunk, params string[] entries)
        {
            var (actualChunk, actual) = Open(frame);
            Assert.Equal(chunk, actualChunk);
            Assert.Equal(entries, actual);
        }

        private static List<Frame> TakeAll(QueuedFrames queue)
        {
            BatchCut cut = queue.Cut(true, false, Hold);
            return Parse(queue.Take(cut.Length), cut.Length);
        }

        [Fact]
        public void ARunOfItemsThatEachWriteAValueTravelsInOneFrame()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var relay = new StreamRelay(writer, false);
                var feed = new ItemFeed(relay);
                feed.Load(7, new object[] { 1, 2, 3 });
                while (feed.MoveNext())
                {
                    relay.SendOutput(PSObject.AsPSObject((int)feed.Current! * 10));
                }
            }

            List<Frame> raw = StreamRelayTests.RawFrames(memory);
            Assert.Equal(new[] { FrameKind.ChunkStarted, FrameKind.Results, FrameKind.ChunkDone }, raw.Select(f => f.Kind));
            var (chunk, entries) = Open(raw[1]);
            Assert.Equal(7, chunk);
            Assert.Equal(new[] { "Output 0 10", "done 0", "Output 1 20", "done 1", "Output 2 30", "done 2" }, entries);
        }

        [Fact]
        public void ABatchThatEndsAfterAnItemLeavesTheRunningItemsValuesForTheNextFrame()
        {
            var queue = new QueuedFrames();
            Add(queue, 3, Output(0, "a"));
            Add(queue, 3, Done(0));
            Add(queue, 3, Output(1, "b"));

            // The item still running holds its value back: the batch ends after item 0's end.
            BatchCut cut = queue.Cut(false, false, Hold);
            Assert.True(cut.Length > 0);
            List<Frame> first = Parse(queue.Take(cut.Length), cut.Length);
            Assert.Single(first);
            AssertRun(first[0], 3, "Output 0 a", "done 0");

            // What stayed is a Results frame of its own, which the item's end joins.
            Add(queue, 3, Done(1));
            List<Frame> second = TakeAll(queue);
            Assert.Single(second);
            AssertRun(second[0], 3, "Output 1 b", "done 1");
        }

        [Fact]
        public void AnotherFrameEndsTheRunAndTheRunningItemsValuesMoveToAFrameOfTheirOwn()
        {
            var queue = new QueuedFrames();
            Add(queue, 300, Output(0, 1));
            Add(queue, 300, Done(0));
            Add(queue, 300, Output(1, 2));
            queue.Add(FrameKind.Record, new byte[] { 1, 2, 3 }, 0, 3);
            Add(queue, 300, Output(1, 3));

            // Ended after item 0, as before the record came.
            BatchCut cut = queue.Cut(false, false, Hold);
            List<Frame> first = Parse(queue.Take(cut.Length), cut.Length);
            AssertRun(Assert.Single(first), 300, "Output 0 1", "done 0");

            List<Frame> rest = TakeAll(queue);
            Assert.Equal(new[] { FrameKind.Results, FrameKind.Record, FrameKind.Results }, rest.Select(f => f.Kind));
            AssertRun(rest[0], 300, "Output 1 2");
            Assert.Equal(new byte[] { 1, 2, 3 }, rest[1].Payload);
            AssertRun(rest[2], 300, "Output 1 3");
        }

        [Fact]
        public void ARunStaysWithinItsSizeAndWithinItsChunk()
        {
            var queue = new QueuedFrames();
            for (int i = 0; i < 100; i++)
            {
                Add(queue, 1, Output(i, new string('x', 20)), maxFrameBytes: 256);
                Add(queue, 1, Done(i), maxFrameBytes: 256);
            }

            Add(queue, 2, Done(0), maxFrameBytes: 256);
            List<Frame> frames = TakeAll(queue);
            Assert.All(frames, f => Assert.True(f.Payload.Length + 5 <= 256, $"a frame of {f.Payload.Length + 5} bytes"));
            var opened = frames.Select(Open).ToList();
            Assert.Equal(2, opened.Last().Chunk);
            Assert.Equal(new List<string> { "done 0" }, opened.Last().Entries);
            List<string> all = opened.Take(opened.Count - 1).SelectMany(o => o.Entries).ToList();
            Assert.Equal(200, all.Count);
            Assert.Equal("done 99", all.Last());
            Assert.True(opened.Count > 10);
        }

        [Fact]
        public void AValueThatCannotBeReadBackCostsOnlyItself()
        {
            var w = new PayloadWriter();
            w.WriteVarUInt(5);
            ResultEntry.WriteOutputPrefix(w, 0, 1);
            w.WriteByte(0xEE);
            ResultEntry.WriteDone(w, 0);
            w.WriteRaw(Output(1, "fine"));
            ResultEntry.WriteDone(w, 1);

            var (chunk, entries) = Open(new Frame(FrameKind.Results, w.ToArray()));
            Assert.Equal(5, chunk);
            Assert.Equal(new[] { "Error 0 undecodable: InvalidDataException", "done 0", "Output 1 fine", "done 1" }, entries);
        }

        [Fact]
        public void ValuesOfItemsNotWantedAreSkippedUnread()
        {
            var w = new PayloadWriter();
            ResultEntry.WriteOutputPrefix(w, 0, 1);
            w.WriteByte(0xEE);
            w.WriteRaw(Output(1, "kept"));
            var entries = new List<ResultEntry>();
            ResultEntry.ReadAll(new PayloadReader(w.ToArray()), entries, i => i == 1, ValueCodec.Read, (i, e) => throw new InvalidOperationException("decoded an unwanted value"));
            Assert.Equal("kept", Assert.Single(entries).Value);
        }

        [Fact]
        public void AnItemsEndRightAfterItsValueIsReadAsOneEntry()
        {
            var w = new PayloadWriter();
            w.WriteRaw(Output(0, "a"));
            ResultEntry.WriteDone(w, 0);
            w.WriteRaw(Output(1, "b"));
            w.WriteRaw(Output(1, "c"));
            ResultEntry.WriteDone(w, 1);
            ResultEntry.WriteDone(w, 2);
            var entries = new List<ResultEntry>();
            ResultEntry.ReadAll(new PayloadReader(w.ToArray()), entries, _ => true, ValueCodec.Read, (i, e) => null);

            Assert.Equal(new[] { "a 0 ends", "b 1", "c 1 ends", "done 2" }, entries.Select(e => e.IsDone ? $"done {e.Index}" : $"{e.Value} {e.Index}" + (e.EndsItem ? " ends" : string.Empty)));
        }

        [Theory]
        [InlineData(new byte[] { 0, 0, 9, 1 })] // a value longer than the frame
        [InlineData(new byte[] { 1, 1 })] // an item index below zero
        [InlineData(new byte[] { 7, 0 })] // an unknown tag
        [InlineData(new byte[] { 0 })] // an entry cut short
        [InlineData(new byte[] { 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // a length beyond what a count may be
        public void AMalformedRunIsRefused(byte[] entries)
        {
            Assert.Throws<InvalidDataException>(() =>
                ResultEntry.ReadAll(new PayloadReader(entries), new List<ResultEntry>(), _ => true, ValueCodec.Read, (i, e) => null));
        }

        [Fact]
        public void ValuesInARunShareTheFramesDecodeBudget()
        {
            // Each value has a reader of its own, but what they decode counts against the one frame:
            // two values may not each spend what the whole frame may.
            var frame = new PayloadReader(new byte[10]);
            PayloadReader first = frame.Slice(5);
            PayloadReader second = frame.Slice(5);
            first.Charge(PayloadReader.DecodeBytesPerFrame / 2);
            second.Charge(PayloadReader.DecodeBytesPerFrame / 2);
            Assert.Throws<InvalidDataException>(() => second.Charge((10 * PayloadReader.DecodeBytesPerPayloadByte) + 1));
        }
    }
}
