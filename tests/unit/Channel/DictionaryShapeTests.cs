using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>Hashtables and ordered dictionaries sent with their keys' shape read back as those sent with their keys do.</summary>
    public class DictionaryShapeTests
    {
        private static List<object?> Values(string script)
        {
            using var ps = PowerShell.Create();
            ps.AddScript(script);
            var results = ps.Invoke().Select(o => (object?)o).ToList();
            Assert.False(ps.HadErrors, "the script wrote errors");
            return results;
        }

        private static string Describe(object? value)
        {
            object? raw = value is PSObject o ? o.BaseObject : value;
            switch (raw)
            {
                case OrderedDictionary ordered:
                    return "ordered{" + string.Join(";", ordered.Cast<DictionaryEntry>().Select(e => e.Key + "=" + Describe(e.Value))) + "}";
                case Hashtable table:
                    return "table{" + string.Join(";", table.Cast<DictionaryEntry>().Select(e => e.Key + "=" + Describe(e.Value)).OrderBy(s => s, System.StringComparer.Ordinal)) + "}";
                case PSCustomObject _:
                    return InputShapeTests.Describe(value);
                default:
                    return raw?.ToString() ?? "null";
            }
        }

        [Fact]
        public void DictionariesOfRepeatedKeysReadBackAsDictionariesSentWithTheirKeys()
        {
            var values = Values("1..30 | ForEach-Object { @{ A = $_; B = $null; C = @{ X = \"x$_\" } }; [ordered]@{ Z = $_; Y = [pscustomobject]@{ P = $_ }; X = $null } }");
            var (encoded, read) = ShapedRoundTrip.Run(values);

            Assert.Equal((byte)ValueCodec.Tag.ShapedHashtable, encoded[2][0]);
            Assert.Equal((byte)ValueCodec.Tag.ShapedOrdered, encoded[3][0]);
            Assert.True(encoded[2].Length < ValueCodecTests.Encode(values[2]).Length);
            for (int i = 0; i < values.Count; i++)
            {
                Assert.Equal(Describe(ValueCodecTests.RoundTrip(values[i])), Describe(read[i]));
            }

            // An ordered dictionary keeps its keys' order; both kinds ignore case, as @{} does.
            var ordered = Assert.IsType<OrderedDictionary>(read[1]);
            Assert.Equal(new object[] { "Z", "Y", "X" }, ordered.Keys.Cast<object>().ToArray());
            Assert.Equal(1, ordered["z"]);
            var table = Assert.IsType<Hashtable>(read[0]);
            Assert.Equal(1, table["a"]);
            Assert.Equal("x1", Assert.IsType<Hashtable>(table["c"])["x"]);
        }

        [Fact]
        public void KeysThatAreNotStringsOrDifferOnlyInCaseGoWithTheirKeys()
        {
            var twins = new Hashtable { ["a"] = 1, ["A"] = 2 };
            var numbers = new Hashtable { [1] = "one" };
            var (encoded, read) = ShapedRoundTrip.Run(new object?[] { twins, numbers, new Hashtable() });

            Assert.Equal((byte)ValueCodec.Tag.Hashtable, encoded[0][0]);
            Assert.Equal((byte)ValueCodec.Tag.Hashtable, encoded[1][0]);
            Assert.Equal((byte)ValueCodec.Tag.Hashtable, encoded[2][0]);
            Assert.Single(Assert.IsType<Hashtable>(read[0]));
            Assert.Equal("one", Assert.IsType<Hashtable>(read[1])[1]);
        }

        [Fact]
        public void ADictionaryNamingAShapeNeverDefinedIsRefused()
        {
            foreach (var tag in new[] { ValueCodec.Tag.ShapedHashtable, ValueCodec.Tag.ShapedOrdered })
            {
                var value = new byte[] { (byte)tag, 3, (byte)ValueCodec.Tag.Null };
                Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(value)));
                ShapeTable.Current = new ShapeTable();
                try
                {
                    Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(value)));
                }
                finally
                {
                    ShapeTable.Current = null;
                }
            }
        }
    }
}
