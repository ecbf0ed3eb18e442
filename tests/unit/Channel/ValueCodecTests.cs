using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace ProcCmdlets.Tests.Channel
{
    public class ValueCodecTests
    {
        private readonly ITestOutputHelper _output;

        public ValueCodecTests(ITestOutputHelper output)
        {
            _output = output;
        }

        internal static byte[] Encode(object? value)
        {
            var w = new PayloadWriter();
            ValueCodec.Write(w, value);
            return w.ToArray();
        }

        internal static object? RoundTrip(object? value)
        {
            var r = new PayloadReader(Encode(value));
            object? back = ValueCodec.Read(r);
            Assert.True(r.AtEnd, "the value's encoding was not read to its end");
            return back;
        }

        private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;


        private static Collection<PSObject> RunScript(string script)
        {
            using var ps = PowerShell.Create();
            ps.AddScript(script);
            var results = ps.Invoke();
            Assert.False(ps.HadErrors, "the script wrote errors");
            return results;
        }

        private static readonly Dictionary<string, (object Value, ValueCodec.Tag Tag)> FastPathValues = new Dictionary<string, (object, ValueCodec.Tag)>
        {
            ["int 0"] = (0, ValueCodec.Tag.Int32),
            ["int -1"] = (-1, ValueCodec.Tag.Int32),
            ["int min"] = (int.MinValue, ValueCodec.Tag.Int32),
            ["int max"] = (int.MaxValue, ValueCodec.Tag.Int32),
            ["long 0"] = (0L, ValueCodec.Tag.Int64),
            ["long min"] = (long.MinValue, ValueCodec.Tag.Int64),
            ["long max"] = (long.MaxValue, ValueCodec.Tag.Int64),
            ["double"] = (3.14159, ValueCodec.Tag.Double),
            ["double negative zero"] = (-0.0, ValueCodec.Tag.Double),
            ["double NaN"] = (double.NaN, ValueCodec.Tag.Double),
            ["double +inf"] = (double.PositiveInfinity, ValueCodec.Tag.Double),
            ["double -inf"] = (double.NegativeInfinity, ValueCodec.Tag.Double),
            ["double epsilon"] = (double.Epsilon, ValueCodec.Tag.Double),
            ["double max"] = (double.MaxValue, ValueCodec.Tag.Double),
            ["string empty"] = (string.Empty, ValueCodec.Tag.String),
            ["string ascii"] = ("hello", ValueCodec.Tag.String),
            ["string unicode"] = ("héllo 日本 😀", ValueCodec.Tag.String),
            ["bool true"] = (true, ValueCodec.Tag.True),
            ["bool false"] = (false, ValueCodec.Tag.False),
            ["char A"] = ('A', ValueCodec.Tag.Char),
            ["char nul"] = ('\0', ValueCodec.Tag.Char),
            ["char e acute"] = ('é', ValueCodec.Tag.Char),
            ["char max"] = (char.MaxValue, ValueCodec.Tag.Char),
            ["byte 0"] = ((byte)0, ValueCodec.Tag.Byte),
            ["byte max"] = (byte.MaxValue, ValueCodec.Tag.Byte),
            ["sbyte min"] = (sbyte.MinValue, ValueCodec.Tag.SByte),
            ["sbyte max"] = (sbyte.MaxValue, ValueCodec.Tag.SByte),
            ["short min"] = (short.MinValue, ValueCodec.Tag.Int16),
            ["short max"] = (short.MaxValue, ValueCodec.Tag.Int16),
            ["ushort max"] = (ushort.MaxValue, ValueCodec.Tag.UInt16),
            ["uint max"] = (uint.MaxValue, ValueCodec.Tag.UInt32),
            ["ulong 0"] = (0UL, ValueCodec.Tag.UInt64),
            ["ulong max"] = (ulong.MaxValue, ValueCodec.Tag.UInt64),
            ["float"] = (1.25f, ValueCodec.Tag.Single),
            ["float third"] = (1f / 3f, ValueCodec.Tag.Single),
            ["float NaN"] = (float.NaN, ValueCodec.Tag.Single),
            ["float -inf"] = (float.NegativeInfinity, ValueCodec.Tag.Single),
            ["float max"] = (float.MaxValue, ValueCodec.Tag.Single),
            ["decimal 0"] = (0m, ValueCodec.Tag.Decimal),
            ["decimal 1.10"] = (1.10m, ValueCodec.Tag.Decimal),
            ["decimal small negative"] = (-0.0000000001m, ValueCodec.Tag.Decimal),
            ["decimal max"] = (decimal.MaxValue, ValueCodec.Tag.Decimal),
            ["decimal min"] = (decimal.MinValue, ValueCodec.Tag.Decimal),
            ["datetime utc"] = (new DateTime(2024, 2, 29, 13, 45, 30, 123, DateTimeKind.Utc).AddTicks(4567), ValueCodec.Tag.DateTime),
            ["datetime local"] = (new DateTime(2023, 7, 4, 9, 8, 7, DateTimeKind.Local).AddTicks(1), ValueCodec.Tag.DateTime),
            ["datetime unspecified"] = (new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified), ValueCodec.Tag.DateTime),
            ["datetime min"] = (DateTime.MinValue, ValueCodec.Tag.DateTime),
            ["datetime max utc"] = (DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), ValueCodec.Tag.DateTime),
            ["timespan zero"] = (TimeSpan.Zero, ValueCodec.Tag.TimeSpan),
            ["timespan negative"] = (TimeSpan.FromTicks(-123456789), ValueCodec.Tag.TimeSpan),
            ["timespan max"] = (TimeSpan.MaxValue, ValueCodec.Tag.TimeSpan),
            ["timespan min"] = (TimeSpan.MinValue, ValueCodec.Tag.TimeSpan),
            ["guid"] = (new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), ValueCodec.Tag.Guid),
            ["guid empty"] = (Guid.Empty, ValueCodec.Tag.Guid),
            ["switch present"] = (new SwitchParameter(true), ValueCodec.Tag.SwitchParameter),
            ["switch absent"] = (new SwitchParameter(false), ValueCodec.Tag.SwitchParameter),
        };

        public static IEnumerable<object[]> FastPathNames() => FastPathValues.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(FastPathNames))]
        public void FastPathValueRoundTripsToAnEqualValueOfTheSameType(string name)
        {
            var (value, tag) = FastPathValues[name];
            byte[] encoded = Encode(value);
            Assert.Equal((byte)tag, encoded[0]);

            object? back = RoundTrip(value);
            Assert.IsType(value.GetType(), back);
            Assert.Equal(value, back);
            Assert.Equal(value.ToString(), back.ToString());
        }

        [Theory]
        [MemberData(nameof(FastPathNames))]
        public void FastPathValueWrappedInAPSObjectRoundTripsToItsBaseValue(string name)
        {
            var (value, tag) = FastPathValues[name];
            var wrapped = PSObject.AsPSObject(value);
            Assert.Equal((byte)tag, Encode(wrapped)[0]);
            object? back = RoundTrip(wrapped);
            Assert.IsType(value.GetType(), back);
            Assert.Equal(value, back);
        }

        [Fact]
        public void NullRoundTrips()
        {
            Assert.Equal(new byte[] { (byte)ValueCodec.Tag.Null }, Encode(null));
            Assert.Null(RoundTrip(null));
        }

        [Fact]
        public void DoublesKeepTheirExactBits()
        {
            foreach (double d in new[] { -0.0, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001), double.Epsilon })
            {
                var back = Assert.IsType<double>(RoundTrip(d));
                Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(back));
            }

            var negativeZero = Assert.IsType<float>(RoundTrip(-0.0f));
            Assert.True(float.IsNegative(negativeZero));
        }

        [Theory]
        [InlineData(DateTimeKind.Utc)]
        [InlineData(DateTimeKind.Local)]
        [InlineData(DateTimeKind.Unspecified)]
        public void DateTimeKeepsItsKindAndTicks(DateTimeKind kind)
        {
            var value = new DateTime(2021, 1, 15, 10, 20, 30, kind).AddTicks(98765);
            var back = Assert.IsType<DateTime>(RoundTrip(value));
            Assert.Equal(kind, back.Kind);
            Assert.Equal(value.Ticks, back.Ticks);
        }

        [Fact]
        public void DecimalKeepsItsScale()
        {
            var back = Assert.IsType<decimal>(RoundTrip(1.100m));
            Assert.Equal("1.100", back.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(decimal.GetBits(1.100m), decimal.GetBits(back));
        }

        [Fact]
        public void ByteArraysRoundTrip()
        {
            foreach (byte[] bytes in new[] { Array.Empty<byte>(), new byte[] { 0, 1, 255 }, Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray() })
            {
                Assert.Equal((byte)ValueCodec.Tag.ByteArray, Encode(bytes)[0]);
                var back = Assert.IsType<byte[]>(RoundTrip(bytes));
                Assert.Equal(bytes, back);
            }
        }

        [Fact]
        public void NestedObjectArraysRoundTrip()
        {
            var value = new object?[]
            {
                1,
                "two",
                null,
                new object[] { 3L, new object[] { 'x', Array.Empty<object>() }, PSObject.AsPSObject(4.5) },
                true,
                Guid.Empty,
            };

            var back = Assert.IsType<object[]>(RoundTrip(value));
            Assert.Equal(6, back.Length);
            Assert.Equal(1, back[0]);
            Assert.Equal("two", back[1]);
            Assert.Null(back[2]);
            var inner = Assert.IsType<object[]>(back[3]);
            Assert.Equal(3L, inner[0]);
            var innermost = Assert.IsType<object[]>(inner[1]);
            Assert.Equal('x', innermost[0]);
            Assert.Empty(Assert.IsType<object[]>(innermost[1]));
            Assert.Equal(4.5, inner[2]);
            Assert.Equal(true, back[4]);
            Assert.Equal(Guid.Empty, back[5]);
        }

        [Fact]
        public void ArrayFromAScriptRoundTrips()
        {
            var result = RunScript(",@(1, 'a', @(2, 3), $null)");
            var back = Assert.IsType<object[]>(RoundTrip(Assert.Single(result)));
            Assert.Equal(4, back.Length);
            Assert.Equal(1, back[0]);
            Assert.Equal("a", back[1]);
            Assert.Equal(new object[] { 2, 3 }, Assert.IsType<object[]>(back[2]));
            Assert.Null(back[3]);
        }

        [Fact]
        public void HashtableRoundTripsWithCaseInsensitiveKeys()
        {
            var value = new Hashtable
            {
                ["Name"] = "widget",
                ["Count"] = 3,
                ["Nested"] = new Hashtable { ["Inner"] = new object[] { 1, 2 } },
                [42] = "int key",
                ["Empty"] = null,
            };

            Assert.Equal((byte)ValueCodec.Tag.Hashtable, Encode(value)[0]);
            var back = Assert.IsType<Hashtable>(RoundTrip(value));
            Assert.Equal(5, back.Count);
            Assert.Equal("widget", back["name"]);
            Assert.Equal("widget", back["NAME"]);
            Assert.Equal(3, back["count"]);
            Assert.Equal("int key", back[42]);
            Assert.True(back.ContainsKey("empty"));
            Assert.Null(back["empty"]);
            var nested = Assert.IsType<Hashtable>(back["nested"]);
            Assert.Equal(new object[] { 1, 2 }, Assert.IsType<object[]>(nested["INNER"]));
        }

        [Fact]
        public void HashtableFromAScriptRoundTrips()
        {
            var result = RunScript("@{ Alpha = 1; beta = 'two'; Gamma = @{ x = 1.5 } }");
            var back = Assert.IsType<Hashtable>(RoundTrip(Assert.Single(result)));
            Assert.Equal(1, back["ALPHA"]);
            Assert.Equal("two", back["Beta"]);
            Assert.Equal(1.5, Assert.IsType<Hashtable>(back["gamma"])["X"]);
        }

        [Fact]
        public void OrderedDictionaryKeepsItsOrder()
        {
            var value = new OrderedDictionary();
            string[] keys = { "zeta", "Alpha", "mu", "beta", "Omega", "a1", "a10", "a2" };
            for (int i = 0; i < keys.Length; i++)
            {
                value[keys[i]] = i;
            }

            Assert.Equal((byte)ValueCodec.Tag.Ordered, Encode(value)[0]);
            var back = Assert.IsType<OrderedDictionary>(RoundTrip(value));
            Assert.Equal(keys, back.Keys.Cast<object>().ToArray());
            Assert.Equal(Enumerable.Range(0, keys.Length).Cast<object>().ToArray(), back.Values.Cast<object>().ToArray());
            Assert.Equal(1, back["ALPHA"]);
        }

        [Fact]
        public void OrderedHashtableFromAScriptKeepsItsOrder()
        {
            var result = RunScript("[ordered]@{ z = 1; y = 2; x = 3; w = @(4, 5) }");
            var back = Assert.IsType<OrderedDictionary>(RoundTrip(Assert.Single(result)));
            Assert.Equal(new object[] { "z", "y", "x", "w" }, back.Keys.Cast<object>().ToArray());
            Assert.Equal(2, back["Y"]);
            Assert.Equal(new object[] { 4, 5 }, Assert.IsType<object[]>(back["w"]));
        }

        [Fact]
        public void CustomObjectBuiltInCodeRoundTrips()
        {
            var value = new PSObject();
            value.Properties.Add(new PSNoteProperty("Name", "thing"));
            value.Properties.Add(new PSNoteProperty("Size", 12L));
            value.Properties.Add(new PSNoteProperty("Nothing", null));
            value.Properties.Add(new PSNoteProperty("List", new object[] { 1, "b" }));

            Assert.Equal((byte)ValueCodec.Tag.CustomObject, Encode(value)[0]);
            var back = Assert.IsType<PSObject>(RoundTrip(value));
            Assert.IsType<PSCustomObject>(back.BaseObject);
            Assert.Equal(new[] { "Name", "Size", "Nothing", "List" }, back.Properties.Select(p => p.Name).ToArray());
            Assert.Equal("thing", back.Properties["Name"].Value);
            Assert.Equal(12L, back.Properties["Size"].Value);
            Assert.Null(back.Properties["Nothing"].Value);
            Assert.Equal(new object[] { 1, "b" }, Assert.IsType<object[]>(back.Properties["List"].Value));
            Assert.Equal(value.TypeNames.Select(n => "Deserialized." + n).ToArray(), back.TypeNames.ToArray());
        }

        [Fact]
        public void CustomObjectFromAScriptRoundTripsAsRemotingWouldBringIt()
        {
            var source = Assert.Single(RunScript("[pscustomobject]@{ a = 1; b = 'x'; c = [pscustomobject]@{ d = $true } }"));
            var back = Assert.IsType<PSObject>(RoundTrip(source));

            Assert.Equal(new[] { "a", "b", "c" }, back.Properties.Select(p => p.Name).ToArray());
            Assert.Equal(1, back.Properties["a"].Value);
            Assert.Equal("x", back.Properties["b"].Value);
            var inner = Assert.IsType<PSObject>(back.Properties["c"].Value);
            Assert.Equal(true, inner.Properties["d"].Value);

            Assert.All(back.TypeNames, n => Assert.StartsWith("Deserialized.", n));
            Assert.Equal(
                new[] { "Deserialized.System.Management.Automation.PSCustomObject", "Deserialized.System.Object" },
                back.TypeNames.ToArray());

            // The same type names as CLIXML gives.
            var viaClixml = (PSObject)PSSerializer.Deserialize(PSSerializer.Serialize(source, 1));
            Assert.Equal(viaClixml.TypeNames.ToArray(), back.TypeNames.ToArray());
            Assert.Equal(viaClixml.Properties["b"].Value, back.Properties["b"].Value);
        }

        [Fact]
        public void CustomObjectKeepsACustomTypeNameAndDoesNotPrefixTwice()
        {
            var source = Assert.Single(RunScript("[pscustomobject]@{ PSTypeName = 'My.Widget'; n = 5 }"));
            Assert.Equal("My.Widget", source.TypeNames[0]);
            var back = Assert.IsType<PSObject>(RoundTrip(source));
            Assert.Equal("Deserialized.My.Widget", back.TypeNames[0]);
            Assert.Equal(5, back.Properties["n"].Value);

            var again = Assert.IsType<PSObject>(RoundTrip(back));
            Assert.Equal(back.TypeNames.ToArray(), again.TypeNames.ToArray());
        }

        [Fact]
        public void CustomObjectWithAScriptPropertyGoesThroughClixml()
        {
            var source = Assert.Single(RunScript("$o = [pscustomobject]@{ a = 2 }; $o | Add-Member -MemberType ScriptProperty -Name Twice -Value { $this.a * 2 }; $o"));
            Assert.Equal((byte)ValueCodec.Tag.Clixml, Encode(source)[0]);
            var back = Assert.IsType<PSObject>(RoundTrip(source));
            Assert.Equal(2, back.Properties["a"].Value);

            var expected = (PSObject)PSSerializer.Deserialize(PSSerializer.Serialize(source, 1));
            Assert.Equal(expected.TypeNames.ToArray(), back.TypeNames.ToArray());
            Assert.Equal(
                expected.Properties.Select(p => p.Name + "=" + p.Value).ToArray(),
                back.Properties.Select(p => p.Name + "=" + p.Value).ToArray());
        }

        public static IEnumerable<object[]> ClixmlValues()
        {
            yield return new object[] { "version" };
            yield return new object[] { "uri" };
            yield return new object[] { "fileinfo" };
            yield return new object[] { "int array" };
            yield return new object[] { "list" };
            yield return new object[] { "ip endpoint" };
        }

        private static object MakeClixmlValue(string name)
        {
            switch (name)
            {
                case "version": return new Version(1, 2, 3, 4);
                case "uri": return new Uri("https://example.com/a/b?q=1#frag");
                case "fileinfo": return new FileInfo(typeof(ValueCodecTests).Assembly.Location);
                case "int array": return new[] { 1, 2, 3 };
                case "list": return new List<string> { "a", "b" };
                case "ip endpoint": return new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8080);
                default: throw new ArgumentOutOfRangeException(nameof(name));
            }
        }

        [Theory]
        [MemberData(nameof(ClixmlValues))]
        public void ValueWithoutAFastPathComesBackAsClixmlWouldBringIt(string name)
        {
            object value = MakeClixmlValue(name);
            Assert.Equal((byte)ValueCodec.Tag.Clixml, Encode(value)[0]);

            object? back = RoundTrip(value);
            object expected = PSSerializer.Deserialize(PSSerializer.Serialize(value, 1));


            Assert.Equal(expected?.ToString(), back?.ToString());
            Assert.Equal(PSObject.AsPSObject(expected).TypeNames.ToArray(), PSObject.AsPSObject(back).TypeNames.ToArray());
            Assert.Equal(Unwrap(expected)?.GetType(), Unwrap(back)?.GetType());
        }

        [Fact]
        public void ClixmlValueWrappedInAPSObjectKeepsItsNoteProperties()
        {
            var value = PSObject.AsPSObject(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 443));
            value.Properties.Add(new PSNoteProperty("Extra", "note"));
            Assert.Equal((byte)ValueCodec.Tag.Clixml, Encode(value)[0]);
            var back = Assert.IsType<PSObject>(RoundTrip(value));
            Assert.Equal("note", back.Properties["Extra"].Value);
            Assert.Equal("Deserialized.System.Net.IPEndPoint", back.TypeNames[0]);
            Assert.Equal("127.0.0.1:443", back.ToString());
        }

        [Fact]
        public void RehydratableTypesComeBackAsThemselves()
        {
            // CLIXML brings some types back as the real type, as remoting does.
            Assert.Equal(new Version(1, 2, 3), Unwrap(RoundTrip(new Version(1, 2, 3))));
            Assert.Equal(new Uri("https://example.com/x"), Unwrap(RoundTrip(new Uri("https://example.com/x"))));
        }

        [Fact]
        public void ValuesNestedInsideContainersUseClixmlWhereNeeded()
        {
            var value = new Hashtable { ["e"] = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 80), ["n"] = 1 };
            var back = Assert.IsType<Hashtable>(RoundTrip(value));
            Assert.Equal(1, back["n"]);
            var endpoint = Assert.IsType<PSObject>(back["E"]);
            Assert.Equal("127.0.0.1:80", endpoint.ToString());
            Assert.Equal("Deserialized.System.Net.IPEndPoint", endpoint.TypeNames[0]);
        }

        private static object NestArrays(int levels, object leaf)
        {
            object value = leaf;
            for (int i = 0; i < levels; i++)
            {
                value = new object[] { value };
            }

            return value;
        }

        [Fact]
        public void ArrayNested200LevelsEncodesAndDecodes()
        {
            object value = NestArrays(200, "leaf");
            object? back = RunOnSmallStack(() => RoundTrip(value));

            // The binary form carries the outer levels; deeper ones go as CLIXML of the remaining value.
            object? current = back;
            object source = value;
            int level = 0;
            while (Unwrap(current) is object[] array && level < 200)
            {
                Assert.Single(array);
                current = array[0];
                source = ((object[])source)[0];
                level++;
            }

            Assert.True(level >= ValueCodec.MaxFastDepth, $"only {level} levels came back as arrays");
            Assert.NotNull(current);
        }

        [Fact]
        public void ArrayNestedBeyondTheFastDepthIsCarriedAsItsStringForm()
        {
            const int levels = ValueCodec.MaxFastDepth + 8;
            object? back = RoundTrip(NestArrays(levels, "leaf"));

            int level = 0;
            object? current = back;
            while (Unwrap(current) is object[] array)
            {
                Assert.Single(array);
                current = array[0];
                level++;
            }

            // Past the binary form's depth a value goes as its string, as CLIXML does past its depth.
            Assert.Equal(ValueCodec.MaxFastDepth, level);
            Assert.Equal("System.Object[]", Unwrap(current));
        }

        [Fact]
        public void CustomObjectsNested200LevelsEncodeAndDecode()
        {
            var value = new PSObject();
            value.Properties.Add(new PSNoteProperty("leaf", 1));
            for (int i = 0; i < 200; i++)
            {
                var outer = new PSObject();
                outer.Properties.Add(new PSNoteProperty("child", value));
                value = outer;
            }

            var back = Assert.IsType<PSObject>(RunOnSmallStack(() => RoundTrip(value)));
            PSObject current = back;
            for (int i = 0; i < ValueCodec.MaxFastDepth - 1; i++)
            {
                current = Assert.IsType<PSObject>(current.Properties["child"].Value);
            }

            Assert.NotNull(current.Properties["child"].Value);
        }

        [Fact]
        public void HashtablesNested200LevelsEncodeAndDecode()
        {
            var value = new Hashtable { ["leaf"] = 1 };
            for (int i = 0; i < 200; i++)
            {
                value = new Hashtable { ["child"] = value };
            }

            var back = Assert.IsType<Hashtable>(RunOnSmallStack(() => RoundTrip(value)));
            Hashtable current = back;
            for (int i = 0; i < ValueCodec.MaxFastDepth - 1; i++)
            {
                current = Assert.IsType<Hashtable>(current["child"]);
            }

            Assert.NotNull(current["child"]);
        }

        [Fact]
        public void HandCraftedPayloadNestingTooDeepThrowsInvalidData()
        {
            var w = new PayloadWriter();
            for (int i = 0; i < 100_000; i++)
            {
                w.WriteByte((byte)ValueCodec.Tag.Array);
                w.WriteVarUInt(1);
            }

            w.WriteByte((byte)ValueCodec.Tag.Null);
            byte[] payload = w.ToArray();
            RunOnSmallStack<object?>(() =>

            {
                Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(payload)));
                return null;
            });
        }

        [Fact]
        public void UnknownTagThrowsInvalidData()
        {
            Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(new byte[] { 200 })));
        }

        [Fact]
        public void CorruptClixmlThrowsInvalidData()
        {
            var w = new PayloadWriter();
            w.WriteByte((byte)ValueCodec.Tag.Clixml);
            w.WriteString("<Objs><this is not clixml");
            Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(w.ToArray())));
        }

        [Fact]
        public void EveryTruncationOfAnEncodedValueThrowsInvalidData()
        {
            var value = new object?[]
            {
                1, -5L, 2.5, "text 😀", 'c', (byte)7, (sbyte)-7, (short)-300, (ushort)300, 70000u, 1UL << 40, 1.5f,
                123.456m, new DateTime(2020, 5, 6, 7, 8, 9, DateTimeKind.Utc), TimeSpan.FromMinutes(3), new Guid("6b29fc40-ca47-1067-b31d-00dd010662da"), new byte[] { 1, 2 },
                new SwitchParameter(true), null, true, false,
                new Hashtable { ["k"] = "v" },
                new OrderedDictionary { ["o"] = 1 },
                new Version(1, 2),
            };
            var custom = new PSObject();
            custom.Properties.Add(new PSNoteProperty("p", "q"));
            value = value.Append(custom).ToArray();

            byte[] full = Encode(value);
            Assert.IsType<object[]>(ValueCodec.Read(new PayloadReader(full)));
            for (int cut = 0; cut < full.Length; cut++)
            {
                byte[] part = full.Take(cut).ToArray();
                Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(part)));
            }
        }

        [Fact]
        public void FastPathAgainstClixml()
        {
            object[] ints = Enumerable.Range(-5000, 10_000).Cast<object>().ToArray();

            // Warm both paths so the timings printed below are not dominated by first-call costs.
            RoundTrip(new object[] { 1, 2 });
            PSSerializer.Deserialize(PSSerializer.Serialize(new object[] { 1, 2 }, 1));

            var fastWatch = Stopwatch.StartNew();
            var fast = Assert.IsType<object[]>(RoundTrip(ints));
            fastWatch.Stop();

            var clixmlWatch = Stopwatch.StartNew();
            object viaClixml = PSSerializer.Deserialize(PSSerializer.Serialize(ints, 1));
            clixmlWatch.Stop();

            var clixml = Assert.IsAssignableFrom<IEnumerable>(Unwrap(viaClixml)).Cast<object>().Select(Unwrap).ToArray();

            Assert.Equal(ints, fast);
            Assert.Equal(ints, clixml);
            Assert.Equal(fast, clixml);

            _output.WriteLine($"10,000 ints: ValueCodec {fastWatch.Elapsed.TotalMilliseconds:F2} ms ({Encode(ints).Length} bytes), " +
                $"CLIXML {clixmlWatch.Elapsed.TotalMilliseconds:F2} ms ({PSSerializer.Serialize(ints, 1).Length} chars)");
        }

        /// <summary>Runs on a thread with a 256 KB stack so deep recursion would show as a crash here rather than pass by luck.</summary>
        private static T RunOnSmallStack<T>(Func<T> body)
        {
            // Assigned by the thread unless it failed, and then rethrown below.
            T result = default!;
            Exception? failure = null;
            var thread = new System.Threading.Thread(() =>
            {
                try
                {
                    result = body();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }, 256 * 1024);
            thread.Start();
            thread.Join();
            if (failure != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }

            return result;
        }
    }
}
