using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>A row's properties read from the object's own members: the same properties, in the same order, as <see cref="PSObject.Properties"/> gives.</summary>
    public class NotePropertiesTests
    {
        private static List<PSObject> Run(string script)
        {
            using var ps = PowerShell.Create();
            ps.AddScript(script);
            var results = ps.Invoke().ToList();
            Assert.False(ps.HadErrors, "the script wrote errors");
            return results;
        }

        private static string[] Names(PSObject o)
        {
            var properties = new List<PSPropertyInfo>();
            Assert.True(NoteProperties.TryGet(o, properties));
            return properties.Select(p => p.Name + "=" + p.Value).ToArray();
        }

        [Fact]
        public void RowsGiveTheirPropertiesInOrderAgainAndAgain()
        {
            var rows = Run("1..3 | ForEach-Object { [pscustomobject]@{ Z = $_; A = \"a$_\"; M = $null } }");
            foreach (PSObject row in rows.Concat(rows))
            {
                Assert.Equal(row.Properties.Select(p => p.Name + "=" + p.Value).ToArray(), Names(row));
            }
        }

        [Fact]
        public void AnObjectWhosePSObjectAScriptUsedStillGivesOnlyItsProperties()
        {
            var o = Assert.Single(Run("$o = [pscustomobject]@{ A = 1; B = 'x' }; $null = $o.psobject.Properties, $o.pstypenames, $o.psbase, $o.psextended, $o.psadapted; $o"));
            Assert.Equal(new[] { "A=1", "B=x" }, Names(o));
            Assert.Equal((byte)ValueCodec.Tag.CustomObject, ValueCodecTests.Encode(o)[0]);
        }

        [Fact]
        public void AnAliasPropertyAfterPlainRowsOfTheSameTypeGoesThroughClixml()
        {
            var results = Run("[pscustomobject]@{ A = 1 }; $o = [pscustomobject]@{ A = 2 }; $o | Add-Member -MemberType AliasProperty -Name B -Value A; $o");
            Assert.Equal((byte)ValueCodec.Tag.CustomObject, ValueCodecTests.Encode(results[0])[0]);
            Assert.False(NoteProperties.TryGet(results[1], new List<PSPropertyInfo>()));
            Assert.Equal((byte)ValueCodec.Tag.Clixml, ValueCodecTests.Encode(results[1])[0]);
        }

        [Fact]
        public void APropertyTheTypeTableAddsIsSeen()
        {
            using var ps = PowerShell.Create();
            ps.AddScript("Update-TypeData -TypeName ProcCmdlets.Tests.Row -MemberType ScriptProperty -MemberName Extra -Value { 7 } -Force; [pscustomobject]@{ PSTypeName = 'ProcCmdlets.Tests.Row'; A = 1 }");
            var o = Assert.Single(ps.Invoke());
            Assert.Contains(o.Properties, p => p.Name == "Extra");
            Assert.False(NoteProperties.TryGet(o, new List<PSPropertyInfo>()));
            Assert.NotEqual((byte)ValueCodec.Tag.CustomObject, ValueCodecTests.Encode(o)[0]);
        }
    }
}
