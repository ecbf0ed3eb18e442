using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Commands;
using ProcCmdlets.Worker;
using Xunit;

namespace ProcCmdlets.Tests.Commands
{
    public class CommandAnalysisTests
    {
        private static ScriptBlockAst Parse(string text)
        {
            ScriptBlockAst ast = Parser.ParseInput(text, out _, out ParseError[] errors);
            Assert.Empty(errors);
            return ast;
        }

        [Fact]
        public void FindsEveryNamedCallOnceInOrder()
        {
            var ast = Parse("Square $_; $x | Get-Thing -P 1 | square; if ($a) { & 'Quoted-Name' } ; . Dot-Sourced");
            Assert.Equal(new[] { "Square", "Get-Thing", "Quoted-Name", "Dot-Sourced" }, CommandAnalysis.CommandNames(ast));
        }

        [Fact]
        public void LooksInsideNestedBlocksFunctionsAndSubexpressions()
        {
            var ast = Parse("function Local { Inner-One }; 1 | ForEach-Object { Inner-Two }; \"$(Inner-Three)\"; $sb = { Inner-Four }");
            string[] names = CommandAnalysis.CommandNames(ast);
            Assert.Contains("Inner-One", names);
            Assert.Contains("Inner-Two", names);
            Assert.Contains("Inner-Three", names);
            Assert.Contains("Inner-Four", names);
            Assert.Contains("ForEach-Object", names);
        }

        [Fact]
        public void IgnoresCallsWithoutAName()
        {
            var ast = Parse("& $name 1; & { 'x' }; . $block");
            Assert.Empty(CommandAnalysis.CommandNames(ast));
        }

        [Fact]
        public void AnswersTheSameTreeFromItsCache()
        {
            var ast = Parse("Get-A; Get-B");
            Assert.Same(CommandAnalysis.CommandNames(ast), CommandAnalysis.CommandNames(ast));
        }

        [Fact]
        public void AnalysesATwoHundredLineScriptInUnderAMillisecond()
        {
            var text = new StringBuilder();
            for (int i = 0; i < 200; i++)
            {
                text.Append("$v").Append(i).Append(" = Get-Item").Append(i % 20).Append(" -Path $p | Where-Object { $_.Length -gt ").Append(i).Append(" } | Invoke-Step").Append(i % 7).Append('\n');
            }

            string script = text.ToString();
            CommandAnalysis.CommandNames(Parse("Warm-Up")); // JIT

            // The smallest of several runs, each on a tree not seen before: the machine may be busy.
            double best = double.MaxValue;
            for (int run = 0; run < 5; run++)
            {
                var ast = Parse(script);
                var clock = Stopwatch.StartNew();
                string[] names = CommandAnalysis.CommandNames(ast);
                best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
                Assert.Equal(28, names.Length);
            }

            Assert.True(best < 1.0, $"analysis took {best} ms");
        }

        [Theory]
        [InlineData("1 | ForEach-Object -Parallel { $using:x }", true)]
        [InlineData("1 | % -Parallel { $using:x }", true)]
        [InlineData("Start-ThreadJob { $using:x }", true)]
        [InlineData("Start-Job -ScriptBlock { $using:x }", true)]
        [InlineData("Invoke-Command -ScriptBlock { $using:x } -ComputerName h", true)]
        [InlineData("1 | Invoke-ProcessPoolMap { $using:x }", true)]
        [InlineData("$using:x", false)]
        [InlineData("if ($true) { $using:x }", false)]
        [InlineData("& { $using:x }", false)]
        [InlineData("1 | ForEach-Object -Parallel { $y = $using:a }; $using:x", false)]
        public void AUsingInsideAScriptBlockGivenToAParallelCommandIsThatCallsOwn(string text, bool nested)
        {
            var ast = Parse(text);
            var usings = ast.FindAll(a => a is UsingExpressionAst, true).Cast<UsingExpressionAst>()
                .Where(u => UsingExpressionAst.ExtractUsingVariable(u).VariablePath.UserPath.EndsWith('x')).ToList();
            Assert.Single(usings);
            Assert.Equal(nested, PreparedScript.BelongsToNestedCall(usings[0], ast));
        }

        [Fact]
        public void PreparedScriptLeavesANestedUsingAsWritten()
        {
            PreparedScript prepared = PreparedScript.From(ScriptBlock.Create("$using:outer; 1 | ForEach-Object -Parallel { $using:inner }"), null);
            Assert.Contains("$using:inner", prepared.Text);
            Assert.DoesNotContain("$using:outer", prepared.Text);
            Assert.Single(prepared.UsingValues);
        }

        [Fact]
        public void DefineCodeRoundTrips()
        {
            var code = new DefineCode { LanguageMode = PSLanguageMode.ConstrainedLanguage };
            code.Modules.Add("/m/One.psd1");
            code.Functions.Add(new CarriedFunction("Square", false, "param($x) $x * $x"));
            code.Functions.Add(new CarriedFunction("Double", true, " $_ * 2 "));
            var r = new PayloadReader(code.Encode());
            DefineCode back = DefineCode.Read(r);
            Assert.True(r.AtEnd);
            Assert.Equal(code.Modules, back.Modules);
            Assert.Equal(PSLanguageMode.ConstrainedLanguage, back.LanguageMode);
            Assert.Equal(code.Functions.Select(f => (f.Name, f.IsFilter, f.Definition)), back.Functions.Select(f => (f.Name, f.IsFilter, f.Definition)));
        }

        [Fact]
        public void DefineCodeScriptDefinesFunctionsFiltersAndOddNamesGlobally()
        {
            string script = DefineCode.Script(new[] { "/m/It's.psm1" }, new[]
            {
                new CarriedFunction("Square", false, "param($x) $x * $x"),
                new CarriedFunction("Double", true, "$_ * 2"),
                new CarriedFunction("odd name", false, "'it''s odd'"),
            });

            Assert.Contains("Import-Module -Name '/m/It''s.psm1' -Global -ErrorAction Stop", script);
            Parser.ParseInput(script, out _, out ParseError[] errors);
            Assert.Empty(errors);

            using (PowerShell ps = PowerShell.Create())
            {
                ps.AddScript(script.Substring(script.IndexOf('\n') + 1)).Invoke();
                ps.Commands.Clear();
                var results = ps.AddScript("Square 4; 1, 2 | Double; & 'odd name'; (Get-Command Double).CommandType").Invoke();
                Assert.Equal(new object[] { 16, 2, 4, "it's odd", CommandTypes.Filter }, results.Select(o => o.BaseObject).ToArray());
            }
        }

        [Fact]
        public void DefineCodeScriptDefinesOddNamesInConstrainedLanguage()
        {
            // A worker of a ConstrainedLanguage session runs this script constrained, where
            // [scriptblock]::Create is a method call that is refused.
            string script = DefineCode.Script(Array.Empty<string>(), new[] { new CarriedFunction("odd name", false, "'it''s odd'; $ExecutionContext.SessionState.LanguageMode") });
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace.SessionStateProxy.LanguageMode = PSLanguageMode.ConstrainedLanguage;
                ps.AddScript(script).Invoke();
                Assert.False(ps.HadErrors);
                ps.Commands.Clear();
                var results = ps.AddScript("& 'odd name'").Invoke();
                Assert.Equal(new object[] { "it's odd", PSLanguageMode.ConstrainedLanguage }, results.Select(o => o.BaseObject).ToArray());
            }
        }

        [Fact]
        public void TheModulePathEntryIsTheFolderAboveTheModuleFolder()
        {
            string root = Path.Combine(Path.GetTempPath(), "pc-home-" + Guid.NewGuid().ToString("N"));
            string versioned = Path.Combine(root, "ProcCmdlets", "1.2.3");
            string plain = Path.Combine(root, "plain", "ProcCmdlets");
            try
            {
                Directory.CreateDirectory(versioned);
                Directory.CreateDirectory(plain);
                File.WriteAllText(Path.Combine(versioned, "ProcCmdlets.psd1"), "@{}");
                File.WriteAllText(Path.Combine(plain, "ProcCmdlets.psd1"), "@{}");
                Assert.Equal(root, ModuleHome.ModulePathEntry(Path.Combine(versioned, "ProcCmdlets.dll")));
                Assert.Equal(Path.Combine(root, "plain"), ModuleHome.ModulePathEntry(Path.Combine(plain, "ProcCmdlets.dll")));
                Assert.Null(ModuleHome.ModulePathEntry(Path.Combine(root, "ProcCmdlets.dll")));
                Assert.Null(ModuleHome.ModulePathEntry(null));
            }
            finally
            {
                Directory.Delete(root, true);
            }
        }
    }
}
