using System;
using System.Collections;
using System.Linq;
using ProcCmdlets.Pools;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Transport
{
    public class SshTargetTests
    {
        private static SshTarget Target(string entry, string? userName, int port, string? keyFilePath, IDictionary? options, string? powerShellPath) =>
            new SshTarget(entry, new SshConnectionOptions { UserName = userName, Port = port, KeyFilePath = keyFilePath, Options = options, PowerShellPath = powerShellPath });

        [Theory]
        [InlineData("h;touch x")]
        [InlineData("h$(id)")]
        [InlineData("h\nx")]
        [InlineData("h|x")]
        [InlineData("h`id`")]
        [InlineData("h&x")]
        [InlineData("h>x")]
        [InlineData(".h")]
        [InlineData("[h;x]:22")]
        [InlineData("fe80::1;id")]
        [InlineData("a;b$(id)@h")]
        [InlineData("a b@h")]
        [InlineData("-oProxyCommand=x@h")]
        [InlineData("a\\b@h")]
        public void RefusesHostAndUserNamesAShellWouldReadAsCode(string entry)
        {
            Assert.Throws<ArgumentException>(() => Target(entry, null, 0, null, null, null));
        }

        [Theory]
        [InlineData("a;b$(id)")]
        [InlineData("a`b")]
        [InlineData("a'b")]
        [InlineData("-l")]
        [InlineData("@x")]
        public void RefusesAUserNameParameterAShellWouldReadAsCode(string user)
        {
            Assert.Throws<ArgumentException>(() => Target("h", user, 0, null, null, null));
        }

        [Theory]
        [InlineData("build-01.example.com")]
        [InlineData("10.0.0.7")]
        [InlineData("[::1]:22")]
        [InlineData("fe80::1%eth0")]
        [InlineData("my_alias")]
        [InlineData("first.last@host")]
        [InlineData("user@CONTOSO.example@host")]
        public void AcceptsDnsNamesAddressesAliasesAndPortableUsers(string entry)
        {
            Assert.NotNull(Target(entry, "svc_account-1", 0, null, null, null));
        }

        [Theory]
        [InlineData("pwsh", "pwsh")]
        [InlineData("/usr/bin/pwsh", "/usr/bin/pwsh")]
        [InlineData("/x$(touch /tmp/p)/pwsh", "'/x$(touch /tmp/p)/pwsh'")]
        [InlineData("true;touch${IFS}/tmp/p;pwsh", "'true;touch${IFS}/tmp/p;pwsh'")]
        [InlineData("/x`touch /tmp/p`/pwsh", "'/x`touch /tmp/p`/pwsh'")]
        [InlineData("/opt/it's \"here\" $HOME/pwsh", "'/opt/it'\\''s \"here\" $HOME/pwsh'")]
        [InlineData("C:\\Program Files\\PowerShell\\7\\pwsh.exe", "\"C:\\Program Files\\PowerShell\\7\\pwsh.exe\"")]
        [InlineData("C:/tools/pwsh & calc/pwsh.exe", "\"C:/tools/pwsh & calc/pwsh.exe\"")]
        public void ThePowerShellPathIsQuotedForTheRemoteShell(string path, string quoted)
        {
            Assert.StartsWith(quoted + " -NoLogo ", Target("h", null, 0, null, null, path).RemoteCommand("AAAA"));
        }

        [Theory]
        [InlineData("C:\\%USERPROFILE%\\pwsh.exe")]
        [InlineData("/opt/pwsh\nid")]
        public void RefusesAPowerShellPathTheRemoteShellCannotTakeLiterally(string path)
        {
            Assert.Throws<ArgumentException>(() => Target("h", null, 0, null, null, path));
        }

        [Fact]
        public void APosixShellGivenTheQuotedPathSeesOnlyThePath()
        {
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
            {
                return;
            }

            string marker = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pc-quote-" + Guid.NewGuid().ToString("N"));
            foreach (string path in new[] { "/x$(touch " + marker + ")/pwsh", "true;touch${IFS}" + marker + ";pwsh", "/x`touch " + marker + "`/pwsh", "/opt/it's \"a\" $HOME\\/pwsh" })
            {
                // The remote command is run as sh -c does on the host; printf stands in for pwsh.
                string command = Target("h", null, 0, null, null, path).RemoteCommand("AAAA");
                var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add("printf '%s\\n' " + command);
                using (var sh = System.Diagnostics.Process.Start(info))
                {
                    Assert.NotNull(sh);
                    string? first = sh.StandardOutput.ReadLine();
                    sh.WaitForExit();
                    Assert.Equal(path, first);
                }
            }

            Assert.False(System.IO.File.Exists(marker));
        }

        [Fact]
        public void TheSshClientIsFoundByFullPathAndNeverInARelativeFolder()
        {
            string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pc-ssh-" + Guid.NewGuid().ToString("N"));
            string absolute = System.IO.Path.Combine(root, "bin");
            string relative = System.IO.Path.Combine(root, "here");
            System.IO.Directory.CreateDirectory(absolute);
            System.IO.Directory.CreateDirectory(relative);
            try
            {
                // "." and "here" would name the folder holding an ssh only from where the session happens to be.
                System.IO.File.WriteAllText(System.IO.Path.Combine(relative, SshClient.FileName), string.Empty);
                char separator = System.IO.Path.PathSeparator;
                Assert.Null(SshClient.Find("." + separator + separator + System.IO.Path.GetRelativePath(System.IO.Directory.GetCurrentDirectory(), relative)));
                System.IO.File.WriteAllText(System.IO.Path.Combine(absolute, SshClient.FileName), string.Empty);
                Assert.Equal(System.IO.Path.Combine(absolute, SshClient.FileName), SshClient.Find("." + separator + absolute));
            }
            finally
            {
                System.IO.Directory.Delete(root, true);
            }
        }

        [Theory]
        [InlineData("host1", null, "host1", 0, "host1")]
        [InlineData("admin@host1", "admin", "host1", 0, "host1")]
        [InlineData("admin@host1:2222", "admin", "host1", 2222, "host1:2222")]
        [InlineData("host1:22", null, "host1", 22, "host1:22")]
        [InlineData("[::1]:2200", null, "::1", 2200, "[::1]:2200")]
        [InlineData("fe80::1", null, "fe80::1", 0, "fe80::1")]
        [InlineData("a@b@host", "a@b", "host", 0, "host")]
        public void ParsesUserHostAndPort(string entry, string? user, string host, int port, string location)
        {
            var target = Target(entry, null, 0, null, null, null);
            Assert.Equal(user, target.UserName);
            Assert.Equal(host, target.HostName);
            Assert.Equal(port, target.Port);
            Assert.Equal(location, target.Location);
        }

        [Fact]
        public void TheEntryWinsOverTheParameters()
        {
            var target = Target("root@h:2022", "other", 22, null, null, null);
            Assert.Equal("root", target.UserName);
            Assert.Equal(2022, target.Port);

            var plain = Target("h", "other", 2200, null, null, null);
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
            Assert.Throws<ArgumentException>(() => Target(entry, null, 0, null, null, null));
        }

        [Fact]
        public void BatchModeComesFirstAndTheUsersOptionsBeatTheDefaults()
        {
            var options = new Hashtable { ["ConnectTimeout"] = 3, ["BatchMode"] = "no" };
            var target = Target("u@h:2", null, 0, "/k/id key", options, null);
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
            Assert.Throws<ArgumentException>(() => Target("h", null, 0, null, new Hashtable { ["-oProxyCommand"] = "x" }, null));
            Assert.Throws<ArgumentException>(() => Target("h", null, 0, null, new Hashtable { ["A=B"] = "x" }, null));
        }

        [Fact]
        public void TheRemoteCommandIsTheFixedBootstrap()
        {
            var target = Target("h", null, 0, null, null, "/opt/power shell/pwsh");
            string command = target.RemoteCommand(SshBootstrap.EncodedCommand);
            Assert.StartsWith("'/opt/power shell/pwsh' -NoLogo -NoProfile -NonInteractive -EncodedCommand ", command);
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
