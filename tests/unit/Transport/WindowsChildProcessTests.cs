using System.Collections;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Transport
{
    public sealed class WindowsChildProcessTests
    {
        [Fact]
        public void TheEnvironmentBlockIsTheSessionsWithTheAddedVariablesSetSortedWithoutRegardToCaseAndEndedByTwoNulls()
        {
            var session = new Hashtable { ["Path"] = @"C:\Windows", ["DOTNET_TieredPGO"] = "1", ["a"] = "x=y" };
            string text = WindowsChildProcess.EnvironmentText(session, new[] { ("dotnet_tieredpgo", "0"), ("PROCCMDLETS_UNSET_TUNING", "dotnet_tieredpgo;") });

            // A variable the session has keeps its own name's spelling and takes the added value.
            Assert.Equal("a=x=y\0DOTNET_TieredPGO=0\0Path=C:\\Windows\0PROCCMDLETS_UNSET_TUNING=dotnet_tieredpgo;\0\0", text);
        }

        [Fact]
        public void TheCommandLineQuotesTheProgramAndKeepsItsArgumentsAsTheyAre()
        {
            Assert.Equal("\"C:\\Program Files\\dotnet\\dotnet.exe\" exec \"C:\\m\\w.dll\"", WindowsChildProcess.CommandLine(@"C:\Program Files\dotnet\dotnet.exe", "exec \"C:\\m\\w.dll\""));
            Assert.Equal("\"C:\\pwsh\\pwsh.exe\"", WindowsChildProcess.CommandLine(@"C:\pwsh\pwsh.exe", string.Empty));
        }
    }
}
