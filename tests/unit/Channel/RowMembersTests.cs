using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>
    /// Rows read back get their note properties the direct way after the first of their shape
    /// (<see cref="RowMembers"/>): they behave to scripts as rows built through the engine's own Add,
    /// and no weak-table entry is made for them.
    /// </summary>
    public class RowMembersTests
    {
        private static bool InWeakTable(PSObject row)
        {
            object table = typeof(PSObject).GetField("s_instanceMembersResurrectionTable", BindingFlags.Static | BindingFlags.NonPublic)!.GetValue(null)!;
            object?[] args = { row, null };
            return (bool)table.GetType().GetMethod("TryGetValue")!.Invoke(table, args)!;
        }

        private static List<PSObject> RoundTrip(string script)
        {
            List<PSObject> rows;
            using (var ps = PowerShell.Create())
            {
                rows = ps.AddScript(script).Invoke().ToList();
            }

            return ShapedRoundTrip.Run(rows).Read.Select(o => Assert.IsType<PSObject>(o)).ToList();
        }

        [Fact]
        public void LaterRowsOfAShapeGetTheirMembersWithoutTheWeakTable()
        {
            Assert.True(RowMembers.Available);
            List<PSObject> back = RoundTrip("1..3 | ForEach-Object { [pscustomobject]@{ A = $_; B = \"b$_\"; C = $null } }");

            Assert.True(InWeakTable(back[0]));
            Assert.False(InWeakTable(back[1]));
            Assert.False(InWeakTable(back[2]));
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(new[] { "A", "B", "C" }, back[i].Properties.Select(p => p.Name).ToArray());
                Assert.Equal(i + 1, back[i].Properties["A"].Value);
                Assert.Equal("b" + (i + 1), back[i].Properties["b"].Value);
                Assert.Null(back[i].Properties["C"].Value);
                Assert.All(back[i].Properties, p => Assert.Equal(PSMemberTypes.NoteProperty, p.MemberType));
            }
        }

        [Fact]
        public void ScriptsUseTheRowsAsTheyUseRowsOfTheirOwn()
        {
            List<PSObject> back = RoundTrip("1..3 | ForEach-Object { [pscustomobject]@{ Name = \"n$_\"; Value = $_ * 2 } }");

            using var ps = PowerShell.Create();
            // 'Length' and 'Name' were bound to .NET members first, so the binders must look at the rows' own members too.
            ps.AddScript(@"
                param($rows)
                $null = 'text'.Length; $null = (Get-Item /).Name
                $rows[2] | Add-Member -NotePropertyName Extra -NotePropertyValue 1
                $rows[1].Value = 40
                $rows[1].psobject.Properties.Remove('Name')
                ($rows | ForEach-Object { $_.Name }) -join ','
                ($rows | Sort-Object Value -Descending | ForEach-Object Value) -join ','
                ($rows | ConvertTo-Json -Compress)
                ($rows[0] | Get-Member -MemberType NoteProperty).Name -join ','
                [bool]($rows[0].psobject.Properties['Extra'])
            ").AddArgument(back.ToArray());
            string[] lines = ps.Invoke().Select(o => o.ToString()).ToArray();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("n1,,n3", lines[0]);
            Assert.Equal("40,6,2", lines[1]);
            Assert.Equal("[{\"Name\":\"n1\",\"Value\":2},{\"Value\":40},{\"Name\":\"n3\",\"Value\":6,\"Extra\":1}]", lines[2]);
            Assert.Equal("Name,Value", lines[3]);
            Assert.Equal("False", lines[4]);
        }

        [Fact]
        public void EachMemberKnowsItsRow()
        {
            List<PSObject> back = RoundTrip("1..2 | ForEach-Object { [pscustomobject]@{ A = $_ } }");
            FieldInfo instance = typeof(PSMemberInfo).GetField("instance", BindingFlags.Instance | BindingFlags.NonPublic)!;

            foreach (PSObject row in back)
            {
                PSMemberInfo own = ((IEnumerable<PSMemberInfo>)typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(row)!)
                    .Single(m => m.Name == "A");
                Assert.Same(row, instance.GetValue(own));
            }
        }
    }
}
