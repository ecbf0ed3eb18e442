using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Worker;
using Xunit;

namespace ProcCmdlets.Tests.Worker
{
    public class StreamRelayTests
    {
        /// <summary>The frames written, as written.</summary>
        internal static List<Frame> RawFrames(MemoryStream memory)
        {
            var reader = new FrameReader(new MemoryStream(memory.ToArray()));
            var frames = new List<Frame>();
            while (reader.TryRead(out Frame frame))
            {
                frames.Add(frame);
            }

            return frames;
        }

        /// <summary>
        /// The frames written, each entry of a Results frame told as the frame it stands for: an output
        /// value as a Record, an item's end as an ItemDone.
        /// </summary>
        internal static List<Frame> Frames(MemoryStream memory)
        {
            var frames = new List<Frame>();
            foreach (Frame frame in RawFrames(memory))
            {
                if (frame.Kind != FrameKind.Results)
                {
                    frames.Add(frame);
                    continue;
                }

                PayloadReader r = frame.Reader();
                long chunk = (long)r.ReadVarUInt();
                while (!r.AtEnd)
                {
                    byte tag = r.ReadByte();
                    int index = (int)r.ReadVarInt();
                    var w = new PayloadWriter();
                    if (tag == ResultEntry.DoneTag)
                    {
                        ItemDone.Write(w, chunk, index, false);
                        frames.Add(new Frame(FrameKind.ItemDone, w.ToArray()));
                        continue;
                    }

                    ProcCmdlets.Channel.Protocol.Record.WriteHeader(w, StreamKind.Output, chunk, index);
                    w.WriteRaw(r.ReadRaw(r.ReadCount()));
                    frames.Add(new Frame(FrameKind.Record, w.ToArray()));
                }
            }

            return frames;
        }

        private static (StreamKind Stream, ulong Chunk, long Item, PayloadReader Body) OpenRecord(Frame frame)
        {
            Assert.Equal(FrameKind.Record, frame.Kind);
            var r = frame.Reader();
            return ((StreamKind)r.ReadByte(), r.ReadVarUInt(), r.ReadVarInt(), r);
        }

        [Fact]
        public void OutputRecordCarriesStreamChunkItemAndValue()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var relay = new StreamRelay(writer, includeErrorTargets: true) { ChunkId = 12, ItemIndex = 3 };
                relay.SendOutput(PSObject.AsPSObject("value"));
                relay.Output.Add(PSObject.AsPSObject(42));
                Assert.Empty(relay.Output);
            }

            var frames = Frames(memory);
            Assert.Equal(2, frames.Count);

            var (stream, chunk, item, body) = OpenRecord(frames[0]);
            Assert.Equal(StreamKind.Output, stream);
            Assert.Equal(12UL, chunk);
            Assert.Equal(3L, item);
            Assert.Equal("value", ValueCodec.Read(body));
            Assert.True(body.AtEnd);

            var second = OpenRecord(frames[1]);
            Assert.Equal(42, ValueCodec.Read(second.Body));
        }

        [Fact]
        public void OutsideAChunkTheItemIsMinusOne()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                new StreamRelay(writer, false).SendOutput(null);
            }

            var (_, chunk, item, body) = OpenRecord(Assert.Single(Frames(memory)));
            Assert.Equal(0UL, chunk);
            Assert.Equal(-1L, item);
            Assert.Null(ValueCodec.Read(body));
        }

        [Fact]
        public void ErrorTargetsAreCarriedOnlyWhenAsked()
        {
            var record = new ErrorRecord(new InvalidOperationException("bad"), "Bad", ErrorCategory.InvalidOperation, "the target");
            foreach (bool include in new[] { true, false })
            {
                var memory = new MemoryStream();
                using (var writer = new FrameWriter(memory))
                {
                    new StreamRelay(writer, include).SendError(record);
                }

                var (stream, _, _, body) = OpenRecord(Assert.Single(Frames(memory)));
                Assert.Equal(StreamKind.Error, stream);
                ErrorRecord back = RecordCodec.ReadError(body, null, false);
                Assert.Equal("bad", back.Exception.Message);
                Assert.Equal(include ? "the target" : null, back.TargetObject);
            }
        }

        [Fact]
        public void EveryStreamOfAnAttachedPipelineIsRelayedInOrder()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var relay = new StreamRelay(writer, true) { ChunkId = 5, ItemIndex = 0 };
                using var ps = PowerShell.Create();
                relay.Attach(ps);
                ps.AddScript(
                    "'out1'; Write-Warning 'warn'; Write-Verbose 'verb' -Verbose; Write-Debug 'dbg' -Debug; " +
                    "Write-Error 'err'; Write-Information 'info' -Tags t1; Write-Progress -Activity 'act' -Status 'stat'; " +
                    "Write-Host 'host' -NoNewline; 'out2'");
                ps.Invoke(null, relay.Output);
            }

            var records = Frames(memory).Select(OpenRecord).ToList();
            Assert.All(records, rec => Assert.Equal(5UL, rec.Chunk));
            Assert.All(records, rec => Assert.Equal(0L, rec.Item));

            var streams = records.Select(rec => rec.Stream).ToArray();
            Assert.Equal(
                new[]
                {
                    StreamKind.Output, StreamKind.Warning, StreamKind.Verbose, StreamKind.Debug, StreamKind.Error,
                    StreamKind.Information, StreamKind.Progress, StreamKind.Information, StreamKind.Output,
                },
                streams);

            Assert.Equal("out1", ValueCodec.Read(records[0].Body));
            Assert.Equal("warn", records[1].Body.ReadString());
            Assert.Equal("verb", records[2].Body.ReadString());
            Assert.Equal("dbg", records[3].Body.ReadString());
            Assert.Equal("err", RecordCodec.ReadError(records[4].Body, null, false).Exception.Message);
            var info = RecordCodec.ReadInformation(records[5].Body);
            Assert.Equal("info", info.MessageData);
            Assert.Equal(new[] { "t1" }, info.Tags.ToArray());
            var progress = RecordCodec.ReadProgress(records[6].Body);
            Assert.Equal("act", progress.Activity);
            Assert.Equal("stat", progress.StatusDescription);
            var host = Assert.IsType<HostInformationMessage>(RecordCodec.ReadInformation(records[7].Body).MessageData);
            Assert.Equal("host", host.Message);
            Assert.True(host.NoNewLine);
            Assert.Equal("out2", ValueCodec.Read(records[8].Body));
            Assert.All(records, rec => Assert.True(rec.Body.AtEnd));
        }

        [Fact]
        public void ItemFeedMarksTheChunkStartedAndEachItemDone()
        {
            var memory = new MemoryStream();
            var seen = new List<object?>();
            using (var writer = new FrameWriter(memory))
            {
                var relay = new StreamRelay(writer, false);
                var feed = new ItemFeed(relay);
                feed.Load(9, new object[] { "a", "b", "c" });
                Assert.Equal(9, relay.ChunkId);
                Assert.Equal(-1, relay.ItemIndex);

                while (feed.MoveNext())
                {
                    seen.Add(feed.Current);
                    Assert.Equal(seen.Count - 1, relay.ItemIndex);
                }

                Assert.Equal(-1, relay.ItemIndex);
                Assert.Equal(0, relay.ChunkId);
                Assert.True(feed.ChunkFinished);
                Assert.False(feed.MoveNext());
            }

            Assert.Equal(new object[] { "a", "b", "c" }, seen);
            var frames = Frames(memory);
            Assert.Equal(new[] { FrameKind.ChunkStarted, FrameKind.ItemDone, FrameKind.ItemDone, FrameKind.ItemDone, FrameKind.ChunkDone }, frames.Select(f => f.Kind));

            var started = frames[0].Reader();
            Assert.Equal(9L, Marker.Read(started));
            Assert.True(started.AtEnd);
            for (int i = 0; i < 3; i++)
            {
                var r = frames[i + 1].Reader();
                var done = ItemDone.Read(r);
                Assert.Equal(9L, done.ChunkId);
                Assert.Equal(i, done.Index);
                Assert.True(r.AtEnd);
            }
        }

        [Fact]
        public void AnEmptyChunkReportsThatItStartedAndEndedOnce()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var feed = new ItemFeed(new StreamRelay(writer, false));
                feed.Load(1, Array.Empty<object>());
                Assert.False(feed.MoveNext());
                Assert.False(feed.MoveNext());
            }

            Assert.Equal(new[] { FrameKind.ChunkStarted, FrameKind.ChunkDone }, Frames(memory).Select(f => f.Kind));
        }

        [Fact]
        public void ItemFeedFailSendsTheItemsError()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var relay = new StreamRelay(writer, false);
                var feed = new ItemFeed(relay);
                feed.Load(2, new object[] { 1, 2 });
                feed.MoveNext();
                feed.MoveNext();
                feed.Fail(PSObject.AsPSObject(new ErrorRecord(new InvalidOperationException("item failed"), "ItemFailed", ErrorCategory.NotSpecified, null)));
                feed.Fail("not an error record");
            }

            var frames = Frames(memory);
            Assert.Equal(new[] { FrameKind.ChunkStarted, FrameKind.ItemDone, FrameKind.Record }, frames.Select(f => f.Kind));
            var (stream, chunk, item, body) = OpenRecord(frames[2]);
            Assert.Equal(StreamKind.Error, stream);
            Assert.Equal(2UL, chunk);
            Assert.Equal(1L, item);
            Assert.Equal("item failed", RecordCodec.ReadError(body, null, false).Exception.Message);
        }
    }
}
