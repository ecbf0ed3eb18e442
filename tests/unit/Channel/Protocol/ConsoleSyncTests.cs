using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Channel.Protocol
{
    public class ConsoleSyncTests
    {
        [Theory]
        [InlineData(0L)]
        [InlineData(123456789012L)]
        public void AMarkerLineGivesItsTokenBack(long token)
        {
            Assert.True(ConsoleSync.TryParse(ConsoleSync.Line(token), out long parsed));
            Assert.Equal(token, parsed);
        }

        [Theory]
        [InlineData("")]
        [InlineData("ProcCmdlets console sync 12")]
        [InlineData("\u0001ProcCmdlets console sync ")]
        [InlineData("\u0001ProcCmdlets console sync 12 and more")]
        [InlineData("text \u0001ProcCmdlets console sync 12")]
        public void OtherLinesAreNotMarkers(string line)
        {
            Assert.False(ConsoleSync.TryParse(line, out _));
        }
    }
}
