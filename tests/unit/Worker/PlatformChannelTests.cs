using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Worker;
using Xunit;

namespace ProcCmdlets.Tests.Worker
{
    public class PlatformChannelTests
    {
        [Theory]
        [InlineData("Linux", 4096, true)]
        [InlineData("MacOS", 512, true)]
        [InlineData("OtherUnix", 512, true)]
        [InlineData("Windows", 4096, false)]
        public void WholeWriteSizeIsTheOSPipeBuf(string osName, int bytes, bool guaranteed)
        {
            OSFamily os = System.Enum.Parse<OSFamily>(osName);
            Assert.Equal(bytes, PipeAtomicity.WholeWriteBytes(os));
            Assert.Equal(guaranteed, PipeAtomicity.Guaranteed(os));
        }

        [Fact]
        public void LinuxCopiesDescriptorsWithFcntlDupFdCloexec1030()
        {
            DescriptorPlan plan = DescriptorPlan.For(OSFamily.Linux);
            Assert.True(plan.UseFcntlDupCloexec);
            Assert.Equal(1030, plan.FcntlDupCloexec);
        }

        [Fact]
        public void MacOSNeverCallsVariadicFcntlAndUsesItsOwnConstants()
        {
            DescriptorPlan plan = DescriptorPlan.For(OSFamily.MacOS);
            Assert.False(plan.UseFcntlDupCloexec);
            Assert.Equal(67, plan.FcntlDupCloexec);
            Assert.Equal(0x20006601UL, plan.Fioclex);
        }

        [Fact]
        public void OtherUnixUsesDupAndFioclex()
        {
            DescriptorPlan plan = DescriptorPlan.For(OSFamily.OtherUnix);
            Assert.False(plan.UseFcntlDupCloexec);
            Assert.Equal(0x20006601UL, plan.Fioclex);
        }

        [Fact]
        public void WindowsHasNoDescriptorPlan()
        {
            Assert.Throws<System.PlatformNotSupportedException>(() => DescriptorPlan.For(OSFamily.Windows));
        }

        [LinuxFact]
        public void LinuxDupAndFioclexPathGivesACloseOnExecCopyAbove2()
        {
            int fd = open("/dev/null", 2);
            Assert.True(fd >= 0);
            int copy = StdioChannel.CopyToPrivate(fd, DescriptorPlan.Create(false, 1030, 0x5451));
            try
            {
                Assert.True(copy >= 3);
                Assert.NotEqual(fd, copy);
                Assert.Equal(1, fcntl(copy, 1 /* F_GETFD */, 0) & 1 /* FD_CLOEXEC */);
            }
            finally
            {
                // Both descriptors are this test's own; a failed close changes nothing it checked.
                _ = close(copy);
                _ = close(fd);
            }
        }

        [LinuxFact]
        public void LinuxFcntlPathGivesACloseOnExecCopyAbove2()
        {
            int fd = open("/dev/null", 2);
            int copy = StdioChannel.CopyToPrivate(fd, DescriptorPlan.For(OSFamily.Linux));
            try
            {
                Assert.True(copy >= 3);
                Assert.Equal(1, fcntl(copy, 1, 0) & 1);
            }
            finally
            {
                // Both descriptors are this test's own; a failed close changes nothing it checked.
                _ = close(copy);
                _ = close(fd);
            }
        }

        [Fact]
        public void ALeadingByteOrderMarkIsSkipped()
        {
            var input = new MemoryStream(new byte[] { 0xEF, 0xBB, 0xBF, 5, 0, 0, 0, 1 });
            Stream skipped = ByteOrderMark.Skip(input);
            var rest = new byte[8];
            Assert.Equal(5, skipped.Read(rest, 0, 8));
            Assert.Equal(new byte[] { 5, 0, 0, 0, 1 }, rest[..5]);
        }

        [Theory]
        [InlineData(new byte[] { 5, 0, 0, 0, 1, 2 })]
        [InlineData(new byte[] { 0xEF, 0xBB, 0, 0, 1 })]
        [InlineData(new byte[] { 0xEF })]
        [InlineData(new byte[0])]
        public void AnythingElseIsReadAsItCame(byte[] bytes)
        {
            Stream skipped = ByteOrderMark.Skip(new TrickleStream(bytes));
            var all = new MemoryStream();
            skipped.CopyTo(all);
            Assert.Equal(bytes, all.ToArray());
        }

        [Theory]
        [InlineData("Windows", ApartmentState.STA)]
        [InlineData("Linux", ApartmentState.Unknown)]
        [InlineData("MacOS", ApartmentState.Unknown)]
        public void WorkerRunspacesAreSTAOnWindows(string osName, ApartmentState state)
        {
            OSFamily os = System.Enum.Parse<OSFamily>(osName);
            Assert.Equal(state, WorkerApartment.For(os));
        }

        // Ansi is UTF-8 on Unix, where this runs.
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern int open(string path, int flags);


        [DllImport("libc", SetLastError = true)]
        private static extern int fcntl(int fd, int cmd, int arg);

        [DllImport("libc")]
        private static extern int close(int fd);

        /// <summary>Gives one byte per read, as a pipe may.</summary>
        private sealed class TrickleStream : MemoryStream
        {
            public TrickleStream(byte[] bytes)
                : base(bytes)
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, System.Math.Min(1, count));
        }
    }
}
