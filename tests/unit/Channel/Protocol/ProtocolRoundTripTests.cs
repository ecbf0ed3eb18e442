using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;
using Record = ProcCmdlets.Channel.Protocol.Record;

namespace ProcCmdlets.Tests.Channel.Protocol
{
    /// <summary>Every message of the channel written and read back, as docs/protocol.md describes it.</summary>
    public class ProtocolRoundTripTests
    {
        private static PayloadReader Written(Action<PayloadWriter> write)
        {
            var w = new PayloadWriter();
            write(w);
            return new PayloadReader(w.ToArray());
        }

        [Fact]
        public void HelloRoundTripsAndMatchesThisModule()
        {
            PayloadReader r = Written(Hello.ForThisProcess("7.6.9", 4242).Write);
            Hello back = Hello.Read(r);
            Assert.True(r.AtEnd);
            Assert.Equal(Hello.CurrentProtocolVersion, back.ProtocolVersion);
            Assert.Equal(Hello.ThisModuleVersion, back.ModuleVersion);
            Assert.Equal("7.6.9", back.EngineVersion);
            Assert.Equal(4242, back.ProcessId);
            Assert.Null(back.Mismatch());
        }

        [Fact]
        public void HelloNamesThisBuildNotOnlyTheAssemblyVersion()
        {
            // The assembly version is the same for every build; two builds of it must not pass for one.
            System.Reflection.Assembly assembly = typeof(Hello).Assembly;
            Assert.Contains(assembly.ManifestModule.ModuleVersionId.ToString("N"), Hello.ThisModuleVersion);
            string otherBuild = Hello.ThisModuleVersion.Replace(assembly.ManifestModule.ModuleVersionId.ToString("N"), System.Guid.NewGuid().ToString("N"));
            Assert.NotNull(new Hello(Hello.CurrentProtocolVersion, otherBuild, "7.6.9", 1).Mismatch());
            Version? assemblyVersion = assembly.GetName().Version;
            Assert.NotNull(assemblyVersion);
            Assert.NotNull(new Hello(Hello.CurrentProtocolVersion, assemblyVersion.ToString(), "7.6.9", 1).Mismatch());

        }

        [Fact]
        public void HelloFromAnotherProtocolOrModuleVersionIsAMismatch()
        {
            Assert.Contains("protocol", new Hello(Hello.CurrentProtocolVersion + 1, Hello.ThisModuleVersion, "7.6.9", 1).Mismatch());
            Assert.Contains("0.0.0.1", new Hello(Hello.CurrentProtocolVersion, "0.0.0.1", "7.6.9", 1).Mismatch());
        }

        [Fact]
        public void HelloRejectsAPayloadWithoutTheMagicNumber()
        {
            var e = Assert.Throws<InvalidDataException>(() => Hello.Read(new PayloadReader(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })));
            Assert.Contains("ProcCmdlets worker", e.Message);
            Assert.Throws<InvalidDataException>(() => Hello.Read(new PayloadReader(new byte[] { 1 })));
        }

        [Fact]
        public void RunScriptRoundTrips()
        {
            var setup = new WorkerSetup { WorkingDirectory = "/tmp" };
            setup.Variables.Add(new KeyValuePair<string, object?>("x", 1));
            PayloadReader r = Written(new RunScript(setup, "$args[0]", "$init = 1", new object[] { "a", 2 }, true, PSLanguageMode.ConstrainedLanguage).Write);
            RunScript back = RunScript.Read(r);
            Assert.True(r.AtEnd);
            Assert.Equal("/tmp", back.Setup.WorkingDirectory);
            Assert.Equal("$args[0]", back.Script);
            Assert.Equal("$init = 1", back.InitScript);
            Assert.Equal(new object[] { "a", 2 }, back.Args);
            Assert.True(back.HasInput);
            Assert.Equal(PSLanguageMode.ConstrainedLanguage, back.LanguageMode);
        }

        [Fact]
        public void RunScriptWithoutInitScriptOrArguments()
        {
            RunScript back = RunScript.Read(Written(new RunScript(new WorkerSetup(), "1", null, null, false, PSLanguageMode.FullLanguage).Write));
            Assert.Null(back.InitScript);
            Assert.Empty(back.Args);
            Assert.False(back.HasInput);
        }

        [Fact]
        public void PoolInitSharesOneEncodedScriptAcrossWorkers()
        {
            byte[] script = PoolInit.EncodeScript("param($a) $global:a = $a", new object[] { 5 }, PSLanguageMode.ConstrainedLanguage);
            for (int worker = 0; worker < 2; worker++)
            {
                var setup = new WorkerSetup { WorkingDirectory = "/w" + worker };
                PayloadReader r = Written(w => PoolInit.Write(w, setup, script));
                PoolInit back = PoolInit.Read(r);
                Assert.True(r.AtEnd);
                Assert.Equal("/w" + worker, back.Setup.WorkingDirectory);
                Assert.Equal("param($a) $global:a = $a", back.InitScript);
                Assert.Equal(new object[] { 5 }, back.InitArgs);
                Assert.Equal(PSLanguageMode.ConstrainedLanguage, back.LanguageMode);
            }
        }

        [Fact]
        public void DefineTaskRoundTrips()
        {
            var variables = new List<KeyValuePair<string, object?>> { new KeyValuePair<string, object?>("__pcUsing_x", "v") };
            PayloadReader r = Written(new DefineTask(7, TaskMode.Splat, "param($a, $b) $a + $b", variables, new object[] { 1 }, PSLanguageMode.ConstrainedLanguage).Write);
            DefineTask back = DefineTask.Read(r);
            Assert.True(r.AtEnd);
            Assert.Equal(7, back.Id);
            Assert.Equal(TaskMode.Splat, back.Mode);
            Assert.Equal("param($a, $b) $a + $b", back.Script);
            Assert.Equal(variables, back.Variables);
            Assert.Equal(new object[] { 1 }, back.Args);
            Assert.Equal(PSLanguageMode.ConstrainedLanguage, back.LanguageMode);
        }

        [Fact]
        public void RunChunkCarriesItemsEncodedOnceWhenQueued()
        {
            var encoded = new List<byte[]>();
            foreach (object? item in new object?[] { 1, "two", null, 4.5 })
            {
                var w = new PayloadWriter();
                ValueCodec.Write(w, item);
                encoded.Add(w.ToArray());
            }

            PayloadReader r = Written(w => RunChunk.Write(w, 3, 11, encoded));
            RunChunk back = RunChunk.Read(r);
            Assert.True(r.AtEnd);
            Assert.Equal(3, back.TaskId);
            Assert.Equal(11, back.ChunkId);
            Assert.Equal(new object?[] { 1, "two", null, 4.5 }, back.Items);
        }

        [Theory]
        [InlineData((byte)0, 0L, -1)]
        [InlineData((byte)1, 12L, 0)]
        [InlineData((byte)6, long.MaxValue, int.MaxValue)]
        public void RecordHeaderRoundTrips(byte streamByte, long chunk, int index)
        {
            var stream = (StreamKind)streamByte;
            PayloadReader r = Written(w => Record.WriteHeader(w, stream, chunk, index));
            Record back = Record.ReadHeader(r);
            Assert.True(r.AtEnd);
            Assert.Equal(stream, back.Stream);
            Assert.Equal(chunk, back.ChunkId);
            Assert.Equal(index, back.Index);
        }

        [Fact]
        public void RecordBodyOfEveryStreamIsReadBackByTheOneDecoder()
        {
            var error = new ErrorRecord(new InvalidOperationException("boom"), "Boom,Here", ErrorCategory.InvalidOperation, "target");
            var bodies = new (StreamKind, Action<PayloadWriter>, Action<object?>)[]
            {
                (StreamKind.Output, w => ValueCodec.Write(w, 42), o => Assert.Equal(42, o)),
                (StreamKind.Error, w => RecordCodec.WriteError(w, error, true), o => Assert.Equal("Boom,Here", Assert.IsType<ErrorRecord>(o).FullyQualifiedErrorId)),
                (StreamKind.Warning, w => w.WriteString("careful"), o => Assert.Equal("careful", Assert.IsType<WarningRecord>(o).Message)),
                (StreamKind.Verbose, w => w.WriteString("chatty"), o => Assert.Equal("chatty", Assert.IsType<VerboseRecord>(o).Message)),
                (StreamKind.Debug, w => w.WriteString("bug"), o => Assert.Equal("bug", Assert.IsType<DebugRecord>(o).Message)),
                (StreamKind.Information, w => RecordCodec.WriteInformation(w, new InformationRecord("note", "src")), o => Assert.Equal("note", Assert.IsType<InformationRecord>(o).MessageData)),
                (StreamKind.Progress, w => RecordCodec.WriteProgress(w, new ProgressRecord(1, "act", "stat")), o => Assert.Equal("act", Assert.IsType<ProgressRecord>(o).Activity)),
            };
            foreach (var (stream, write, check) in bodies)
            {
                PayloadReader r = Written(w =>
                {
                    Record.WriteHeader(w, stream, 1, 0);
                    write(w);
                });
                Record header = Record.ReadHeader(r);
                check(header.ReadBody(r, null, replaceTarget: false));
                Assert.True(r.AtEnd);
            }
        }

        [Fact]
        public void AnErrorsTargetIsTheSessionsItemWhenReplaced()
        {
            var error = new ErrorRecord(new InvalidOperationException("boom"), "Boom", ErrorCategory.InvalidOperation, "worker's copy");
            PayloadReader r = Written(w => RecordCodec.WriteError(w, error, false));
            var item = new object();
            var back = Assert.IsType<ErrorRecord>(new Record(StreamKind.Error, 1, 0).ReadBody(r, item, replaceTarget: true));
            Assert.Same(item, back.TargetObject);
        }

        [Fact]
        public void AnUnknownStreamIsInvalidData()
        {
            Assert.Throws<InvalidDataException>(() => new Record((StreamKind)99, 1, 0).ReadBody(new PayloadReader(new byte[] { 0 }), null, false));
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(1L)]
        [InlineData(-143L)]
        [InlineData(long.MaxValue)]
        public void MarkerRoundTrips(long value)
        {
            PayloadReader r = Written(w => Marker.Write(w, value));
            Assert.Equal(value, Marker.Read(r));
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void AnEmptyMarkerReadsAsZero()
        {
            // StopPipeline with no payload stops the one-off script.
            Assert.Equal(0, Marker.Read(new PayloadReader(Array.Empty<byte>())));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ItemDoneRoundTrips(bool failed)
        {
            PayloadReader r = Written(w => ItemDone.Write(w, 99, 1023, failed));
            ItemDone back = ItemDone.Read(r);
            Assert.True(r.AtEnd);
            Assert.Equal(99, back.ChunkId);
            Assert.Equal(1023, back.Index);
            Assert.Equal(failed, back.Failed);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void InitDoneRoundTrips(bool ok)
        {
            PayloadReader r = Written(w => InitDone.Write(w, ok));
            Assert.Equal(ok, InitDone.Read(r));
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void InputValuesRoundTripOneOrMany()
        {
            Assert.Equal(new object[] { "x" }, InputValues.Read(Written(w => InputValues.WriteOne(w, "x"))));
            Assert.Equal(new object[] { 1, 2, 3 }, InputValues.Read(Written(w => InputValues.Write(w, new object[] { 1, 2, 3 }))));
        }

        [Fact]
        public void ConsoleSyncLinesCarryTheirToken()
        {
            Assert.True(ConsoleSync.TryParse(ConsoleSync.Line(123456789012), out long token));
            Assert.Equal(123456789012, token);
            Assert.False(ConsoleSync.TryParse("ordinary text", out _));
        }
    }
}
