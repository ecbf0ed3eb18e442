using ProcCmdlets.Channel;
using ProcCmdlets.Pools;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    public class PlatformExitStatusTests
    {
        [Theory]
        [InlineData("Linux", 137, true)]
        [InlineData("Linux", 143, true)]
        [InlineData("Linux", -1, false)]
        [InlineData("Linux", 1, false)]
        [InlineData("Linux", 0, false)]
        [InlineData("MacOS", 137, true)]
        [InlineData("MacOS", 143, true)]
        [InlineData("MacOS", 134, false)]
        [InlineData("OtherUnix", 137, true)]
        [InlineData("Windows", -1, true)]
        [InlineData("Windows", unchecked((int)0xC000013A), true)]
        [InlineData("Windows", 137, false)]
        [InlineData("Windows", 143, false)]
        [InlineData("Windows", 1, false)]
        [InlineData("Windows", 0, false)]
        [InlineData("Windows", unchecked((int)0xE0434352), false)]
        public void KillsFromOutsideAreToldFromFailuresPerOS(string osName, int code, bool killed)
        {
            OSFamily os = System.Enum.Parse<OSFamily>(osName);
            Assert.Equal(killed, ExitStatus.KilledFromOutside(code, os));
        }

        [Theory]
        [InlineData("Linux")]
        [InlineData("MacOS")]
        [InlineData("Windows")]
        public void NoExitStatusIsNoKill(string osName)
        {
            OSFamily os = System.Enum.Parse<OSFamily>(osName);
            Assert.False(ExitStatus.KilledFromOutside(null, os));
        }
    }
}
