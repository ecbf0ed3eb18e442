using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>
    /// Type names as the codec reads and sets them: reading a row's leaves the row as it was (the
    /// public getter would give it a copy of its own, and the engine a weak-table entry for it), and
    /// the rows read back of one shape share one read-only list that a script's change copies first.
    /// </summary>
    public class TypeNameAccessTests
    {
        private static readonly PropertyInfo Internal = typeof(PSObject).GetProperty("InternalTypeNames", BindingFlags.Instance | BindingFlags.NonPublic)!;

        /// <summary>Whether the object still has the engine's shared read-only names, that is, nobody has asked for a copy.</summary>
        private static bool SharesNames(PSObject o) => ((ICollection<string>)Internal.GetValue(o)!).IsReadOnly;

        private static List<PSObject> Rows(string script)
        {
            using var ps = PowerShell.Create();
            ps.AddScript(script);
            return ps.Invoke().ToList();
        }

        [Fact]
        public void ReadingANewRowsNamesGivesItNoCopy()
        {
            PSObject row = Rows("[pscustomobject]@{ PSTypeName = 'My.Row'; A = 1 }; [pscustomobject]@{ A = 1 }").Last();
            Assert.True(SharesNames(row));

            Assert.Equal(new[] { "System.Management.Automation.PSCustomObject", "System.Object" }, TypeNameAccess.Read(row).ToArray());
            Assert.Equal(TypeNameAccess.Key(row), TypeNameAccess.Key(Rows("[pscustomobject]@{ B = 2 }")[0]));
            Assert.True(SharesNames(row));

            // What the public property does, for contrast.
            _ = row.TypeNames;
            Assert.False(SharesNames(row));
        }

        [Fact]
        public void KeysDifferWhenTheNamesDo()
        {
            List<PSObject> rows = Rows("[pscustomobject]@{ PSTypeName = 'My.Row'; A = 1 }; [pscustomobject]@{ A = 1 }; [pscustomobject]@{ PSTypeName = 'My.Other'; A = 1 }");

            Assert.Equal(3, rows.Select(TypeNameAccess.Key).Distinct().Count());
            Assert.Equal("My.Row", TypeNameAccess.Read(rows[0])[0]);
        }

        [Fact]
        public void EncodingRowsLeavesTheirNamesUncopied()
        {
            List<PSObject> rows = Rows("1..3 | ForEach-Object { [pscustomobject]@{ A = $_; B = 'b' } }");
            Assert.All(rows, row => Assert.True(SharesNames(row)));
            ShapeWriter.Current = ShapeWriter.Unsent();
            try
            {
                foreach (PSObject row in rows)
                {
                    ValueCodec.Write(new PayloadWriter(), row);
                }
            }
            finally
            {
                ShapeWriter.Current = null;
            }

            ValueCodec.Write(new PayloadWriter(), rows[0]);
            Assert.All(rows, row => Assert.True(SharesNames(row)));
        }

        [Fact]
        public void RowsReadBackShareTheirNamesUntilAScriptChangesOne()
        {
            List<PSObject> rows = Rows("1..2 | ForEach-Object { [pscustomobject]@{ PSTypeName = 'My.Row'; A = $_ } }");
            List<PSObject> back = ShapedRoundTrip.Run(rows).Read.Select(o => Assert.IsType<PSObject>(o)).ToList();

            var expected = new[] { "Deserialized.My.Row", "Deserialized.System.Management.Automation.PSCustomObject", "Deserialized.System.Object" };
            Assert.Same(Internal.GetValue(back[0]), Internal.GetValue(back[1]));
            Assert.True(SharesNames(back[0]));

            using (var ps = PowerShell.Create())
            {
                ps.AddScript("param($o) $o.pstypenames.Insert(0, 'Mine'); $o | Add-Member -TypeName Extra").AddArgument(back[0]).Invoke();
            }

            Assert.Equal(new[] { "Extra", "Mine" }.Concat(expected).ToArray(), back[0].TypeNames.ToArray());
            Assert.Equal(expected, back[1].TypeNames.ToArray());
        }

        [Fact]
        public void AnObjectSentWithItsNamesGetsAWritableListOfItsOwn()
        {
            PSObject row = Rows("[pscustomobject]@{ PSTypeName = 'My.Widget'; A = 1 }")[0];
            var w = new PayloadWriter();
            ValueCodec.Write(w, row);

            var back = Assert.IsType<PSObject>(ValueCodec.Read(new PayloadReader(w.ToArray())));

            Assert.False(SharesNames(back));
            Assert.Equal("Deserialized.My.Widget", back.TypeNames[0]);
        }
    }
}
