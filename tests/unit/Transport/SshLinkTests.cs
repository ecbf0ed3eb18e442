using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Transport
{
    public class SshLinkTests
    {
        [Fact]
        public void LinesAfterTheReadyLineThatReadLikeSshAreKeptAsTheHosts()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            // sh plays ssh: its standard error is what ssh would relay, its own lines first, then the host's.
            string script = "printf '%s\\n' 'Warning: Permanently added 127.0.0.2' '" + SshBootstrap.ReadyPrefix + "42' "
                + "'Connection to 127.0.0.2 closed by remote host.' 'worker console text' >&2";
            var info = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            var target = new SshTarget("127.0.0.2", null);
            Process? process = Process.Start(info);
            Assert.NotNull(process);
            var link = new SshLink(process, target);
            try
            {
                Assert.True(link.WaitUntilReady(TimeSpan.FromSeconds(30), CancellationToken.None));
                Assert.True(link.WaitForExit(TimeSpan.FromSeconds(30)));
                Assert.Equal(42, link.RemoteProcessId);
                Assert.Equal("worker console text", link.Console.ReadLine());
                Assert.Equal(
                    new[] { "Warning: Permanently added 127.0.0.2", "127.0.0.2 wrote: Connection to 127.0.0.2 closed by remote host." },
                    link.Messages);
            }
            finally
            {
                link.Dispose();
            }
        }
    }
}
