using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.InteropServices;
using ProcCmdlets.Channel;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Transport
{
    /// <summary>The module's path on a worker's start line: quoted for PowerShell inside, for the C runtime outside.</summary>
    public class StartLineQuotingTests
    {
        [Theory]
        [InlineData("/home/O’Brien/Modules/ProcCmdlets/1.0")]
        [InlineData("/home/‘quoted’/‚low‛/it's")]
        [InlineData("/home/plain/Modules")]
        public void TheBootstrapImportsTheModuleByItsExactPath(string moduleDirectory)
        {
            string bootstrap = StartPlanner.Bootstrap(moduleDirectory, OSFamily.Linux, false);

            ScriptBlockAst ast = Parser.ParseInput(bootstrap, out _, out ParseError[] errors);
            Assert.Empty(errors);
            var commands = ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>().ToList();
            Assert.Equal(new[] { "Import-Module", StartPlanner.WorkerCmdlet }, commands.Select(c => c.GetCommandName()));
            var path = Assert.IsType<StringConstantExpressionAst>(commands[0].CommandElements[2]);
            Assert.Equal(moduleDirectory + "/ProcCmdlets.dll", path.Value);
        }

        [Theory]
        [InlineData("C:\\Program Files\\PowerShell\\7\\")]
        [InlineData("/opt/a\\\"b")]
        [InlineData("/opt/a\\\\\"b\\")]
        [InlineData("/opt/with space/x")]
        [InlineData("Import-Module -Name '/m/O’Brien\\'; Invoke-ProcCmdletsWorker")]
        public void AQuotedArgumentIsOneArgumentAsTheCRuntimeSplitsIt(string argument)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            // .NET splits Arguments with the C runtime's rules on Unix too; printf shows what arrived.
            var info = new ProcessStartInfo("printf", "%s\\n " + StartPlanner.Quote(argument) + " end")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using (Process? printf = Process.Start(info))
            {
                Assert.NotNull(printf);

                string output = printf.StandardOutput.ReadToEnd();
                printf.WaitForExit();
                Assert.Equal(new[] { argument, "end" }, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }
}
