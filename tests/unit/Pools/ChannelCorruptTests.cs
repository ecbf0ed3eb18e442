using System.Linq;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>A worker whose channel carries what the protocol does not allow: its item says so, as docs/protocol.md promises.</summary>
    public class ChannelCorruptTests
    {
        [Fact]
        public void ACorruptFrameFromAWorkerIsAChannelCorruptErrorOnItsItemAndNoOtherItemIsLost()
        {
            int corrupted = 0;
            var transport = new FakeTransport(item => (int)item! == 7 && System.Threading.Interlocked.Exchange(ref corrupted, 1) == 0
                ? new FakeOutcome { CorruptFrame = true }
                : FakeOutcome.Of((int)item! * 2));
            using (var harness = new MapHarness(transport, workers: 2))
            {
                harness.Map(Enumerable.Range(1, 40).Cast<object>());

                ErrorRecordAssert.Single(harness.Errors, "ChannelCorrupt", 7);
                Assert.Contains("A frame declared 0 bytes", harness.Errors.Single().Exception.Message);
                Assert.Equal(Enumerable.Range(1, 40).Where(i => i != 7).Select(i => (object)(i * 2)), harness.Output);
            }
        }

        [Fact]
        public void AMalformedResultsFrameIsAChannelCorruptErrorOnItsItemAndNoOtherItemIsLost()
        {
            int corrupted = 0;
            var transport = new FakeTransport(item => (int)item! == 12 && System.Threading.Interlocked.Exchange(ref corrupted, 1) == 0
                ? new FakeOutcome { MalformedResults = true }
                : FakeOutcome.Of((int)item! * 2));
            using (var harness = new MapHarness(transport, workers: 2))
            {
                harness.Map(Enumerable.Range(1, 40).Cast<object>());

                ErrorRecordAssert.Single(harness.Errors, "ChannelCorrupt", 12);
                Assert.Contains("Unknown entry tag 9", harness.Errors.Single().Exception.Message);
                Assert.Equal(Enumerable.Range(1, 40).Where(i => i != 12).Select(i => (object)(i * 2)), harness.Output);
            }
        }
    }
}
