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
    public class ItemFeedTests
    {
        private static List<string> Markers(MemoryStream memory)
        {
            var markers = new List<string>();
            foreach (Frame frame in StreamRelayTests.Frames(memory))
            {
                PayloadReader r = frame.Reader();
                switch (frame.Kind)
                {
                    case FrameKind.ChunkStarted:
                        markers.Add($"started {Marker.Read(r)}");
                        break;
                    case FrameKind.ItemDone:
                        ItemDone done = ItemDone.Read(r);
                        markers.Add($"done {done.ChunkId}:{done.Index}" + (done.Failed ? " failed" : string.Empty));
                        break;
                    case FrameKind.ChunkDone:
                        markers.Add($"chunk done {Marker.Read(r)}");
                        break;
                    default:
                        markers.Add(frame.Kind.ToString());
                        break;
                }
            }

            return markers;
        }

        [Fact]
        public void TheNextChunkOfTheTaskGoesOnInTheSamePipeline()
        {
            var memory = new MemoryStream();
            var items = new List<object>();
            var queued = new Queue<(long Id, object[] Items)>(new[] { (8L, new object[] { 3 }), (9L, Array.Empty<object>()), (10L, new object[] { 4, 5 }) });
            using (var writer = new FrameWriter(memory))
            {
                var feed = new ItemFeed(new StreamRelay(writer, false));
                feed.Load(7, new object[] { 1, 2 });
                feed.LoadNext = () =>
                {
                    if (queued.Count == 0)
                    {
                        return false;
                    }

                    var (id, next) = queued.Dequeue();
                    feed.Load(id, next);
                    return true;
                };
                foreach (object item in feed)
                {
                    items.Add(item);
                }

                Assert.Equal(10, feed.ChunkId);
                Assert.True(feed.ChunkFinished);
            }

            Assert.Equal(new object[] { 1, 2, 3, 4, 5 }, items);
            Assert.Equal(
                new[]
                {
                    "started 7", "done 7:0", "done 7:1", "chunk done 7",
                    "started 8", "done 8:0", "chunk done 8",
                    "started 9", "chunk done 9",
                    "started 10", "done 10:0", "done 10:1", "chunk done 10",
                },
                Markers(memory));
        }

        [Fact]
        public void AChunkIsReportedDoneOnceEvenWhenFinishedAgain()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var feed = new ItemFeed(new StreamRelay(writer, false));
                feed.Load(3, new object[] { 1, 2 });
                Assert.True(feed.MoveNext());
                feed.FinishChunk();
                feed.FinishChunk();
            }

            Assert.Equal(new[] { "started 3", "chunk done 3" }, Markers(memory));
        }

        [Fact]
        public void OnlyTheItemThatMetATerminatingErrorIsReportedFailed()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var feed = new ItemFeed(new StreamRelay(writer, false));
                feed.Load(4, new object[] { 1, 2, 3 });
                Assert.True(feed.MoveNext());
                Assert.True(feed.MoveNext());
                feed.Fail(new ErrorRecord(new InvalidOperationException("item 2 threw"), "Thrown", ErrorCategory.NotSpecified, null));
                while (feed.MoveNext())
                {
                }
            }

            Assert.Equal(new[] { "started 4", "done 4:0", "Record", "done 4:1 failed", "done 4:2", "chunk done 4" }, Markers(memory));
        }
    }
}
