using System;
using System.Collections;
using System.Linq;
using ProcCmdlets.Pools;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests
{
    public class SshTargetTests
    {
        [Theory]
        [InlineData("host1", null, "host1", 0, "host1")]
        [InlineData("admin@host1", "admin", "host1", 0, "host1")]
        [InlineData("admin@host1:2222", "admin", "host1", 2222, "host1:2222")]
        [InlineData("host1:22", null, "host1", 22, "host1:22")]
        [InlineData("[::1]:2200", null, "::1", 2200, "[::1]:2200")]
        [InlineData("fe80::1", null, "fe80::1", 0, "fe80::1")]
        [InlineData("a@b@host", "a@b", "host", 0, "host")]
        public void ParsesUserHostAndPort(string entry, string user, string host, int port, string location)
        {
            var target = new SshTarget(entry, null, 0, null, null, null);
            Assert.Equal(user, target.UserName);
            Assert.Equal(host, target.HostName);
            Assert.Equal(port, target.Port);
            Assert.Equal(location, target.Location);
        }

        [Fact]
        public void TheEntryWinsOverTheParameters()
        {
            var target = new SshTarget("root@h:2022", "other", 22, null, null, null);
            Assert.Equal("root", target.UserName);
            Assert.Equal(2022, target.Port);

            var plain = new SshTarget("h", "other", 2200, null, null, null);
            Assert.Equal("other", plain.UserName);
            Assert.Equal(2200, plain.Port);
            Assert.Equal("h", plain.Location);
        }

        [Theory]
        [InlineData("")]
        [InlineData("-oProxyCommand=x")]
        [InlineData("host:0")]
        [InlineData("host:70000")]
        [InlineData("host:port")]
        [InlineData("ho st")]
        public void RejectsWhatIsNotAHost(string entry)
        {
            Assert.Throws<ArgumentException>(() => new SshTarget(entry, null, 0, null, null, null));
        }

        [Fact]
        public void BatchModeComesFirstAndTheUsersOptionsBeatTheDefaults()
        {
            var options = new Hashtable { ["ConnectTimeout"] = 3, ["BatchMode"] = "no" };
            var target = new SshTarget("u@h:2", null, 0, "/k/id key", options, null);
            string args = target.Arguments("pwsh -EncodedCommand AAAA");

            Assert.StartsWith("-T -o BatchMode=yes ", args);
            Assert.Contains("-o ConnectTimeout=3", args);
            Assert.DoesNotContain("ConnectTimeout=10", args);
            Assert.Contains("-o ServerAliveInterval=5", args);
            Assert.Contains("-l u -p 2 -i \"/k/id key\" -- h \"pwsh -EncodedCommand AAAA\"", args);
            Assert.Equal(3, target.ConnectTimeout);
        }

        [Fact]
        public void OptionNamesCannotSmuggleArguments()
        {
            Assert.Throws<ArgumentException>(() => new SshTarget("h", null, 0, null, new Hashtable { ["-oProxyCommand"] = "x" }, null));
            Assert.Throws<ArgumentException>(() => new SshTarget("h", null, 0, null, new Hashtable { ["A=B"] = "x" }, null));
        }

        [Fact]
        public void TheRemoteCommandIsTheFixedBootstrap()
        {
            var target = new SshTarget("h", null, 0, null, null, "/opt/power shell/pwsh");
            string command = target.RemoteCommand(SshBootstrap.EncodedCommand);
            Assert.StartsWith("\"/opt/power shell/pwsh\" -NoLogo -NoProfile -NonInteractive -EncodedCommand ", command);
            string script = System.Text.Encoding.Unicode.GetString(Convert.FromBase64String(command.Split(' ').Last()));
            Assert.Contains("[Reflection.Assembly]::Load($i)", script);
            Assert.Contains(SshBootstrap.ReadyPrefix, script);
        }

        [Theory]
        [InlineData(0, 0)]
        [InlineData(1, 1)]
        [InlineData(2, 2)]
        [InlineData(3, 4)]
        [InlineData(5, 16)]
        [InlineData(6, 30)]
        [InlineData(100, 30)]
        public void FailedHostsAreRetriedWithAGrowingPause(int failures, int seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), RemoteHosts.BackOff(failures));
        }
    }
}
