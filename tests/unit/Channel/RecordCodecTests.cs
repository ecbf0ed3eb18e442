using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    public class RecordCodecTests
    {
        private static ErrorRecord RoundTripError(ErrorRecord record, bool includeTarget = true, object? targetOverride = null, bool useOverride = false)
        {
            var w = new PayloadWriter();
            RecordCodec.WriteError(w, record, includeTarget);
            var r = new PayloadReader(w.ToArray());
            ErrorRecord back = RecordCodec.ReadError(r, targetOverride, useOverride);
            Assert.True(r.AtEnd);
            return back;
        }

        private static InformationRecord RoundTripInformation(InformationRecord record)
        {
            var w = new PayloadWriter();
            RecordCodec.WriteInformation(w, record);
            var r = new PayloadReader(w.ToArray());
            InformationRecord back = RecordCodec.ReadInformation(r);
            Assert.True(r.AtEnd);
            return back;
        }

        private static ProgressRecord RoundTripProgress(ProgressRecord record)
        {
            var w = new PayloadWriter();
            RecordCodec.WriteProgress(w, record);
            var r = new PayloadReader(w.ToArray());
            ProgressRecord back = RecordCodec.ReadProgress(r);
            Assert.True(r.AtEnd);
            return back;
        }

        private static ErrorRecord ErrorFromScript(string script)
        {
            using var ps = PowerShell.Create();
            ps.AddScript(script);
            var e = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());
            Assert.NotNull(e.ErrorRecord);
            return e.ErrorRecord;
        }

        private static void AssertSameCategoryInfo(ErrorRecord expected, ErrorRecord actual)
        {
            Assert.Equal(expected.CategoryInfo.Category, actual.CategoryInfo.Category);
            Assert.Equal(expected.CategoryInfo.Activity, actual.CategoryInfo.Activity);
            Assert.Equal(expected.CategoryInfo.Reason, actual.CategoryInfo.Reason);
            Assert.Equal(expected.CategoryInfo.TargetName, actual.CategoryInfo.TargetName);
            Assert.Equal(expected.CategoryInfo.TargetType, actual.CategoryInfo.TargetType);
        }

        [Fact]
        public void ErrorFromAThrowingScriptKeepsEverythingThatMatters()
        {
            ErrorRecord source = ErrorFromScript("function f { throw 'boom' }; f");
            Assert.False(string.IsNullOrEmpty(source.ScriptStackTrace));

            ErrorRecord back = RoundTripError(source);

            Assert.Equal("boom", back.Exception.Message);
            Assert.Equal(source.Exception.Message, back.Exception.Message);
            Assert.Equal(source.FullyQualifiedErrorId, back.FullyQualifiedErrorId);
            Assert.Equal(source.ToString(), back.ToString());
            AssertSameCategoryInfo(source, back);
            Assert.Equal(source.CategoryInfo.GetMessage(CultureInfo.InvariantCulture), back.CategoryInfo.GetMessage(CultureInfo.InvariantCulture));
            Assert.Equal(source.ScriptStackTrace, back.ScriptStackTrace);
            Assert.Contains("at f,", back.ScriptStackTrace);
            Assert.Equal(source.TargetObject, back.TargetObject);
            Assert.Null(back.ErrorDetails);

            var remote = Assert.IsType<WorkerScriptException>(back.Exception);
            Assert.Equal(source.Exception.GetType().FullName, remote.WorkerExceptionType);
            Assert.Equal(source.ScriptStackTrace, remote.WorkerScriptStackTrace);
            Assert.Equal(source.InvocationInfo.PositionMessage, remote.PositionMessage);
            Assert.Contains("throw 'boom'", remote.PositionMessage);
        }

        [Fact]
        public void ErrorFromACmdletKeepsItsCategoryAndTarget()
        {
            ErrorRecord source = ErrorFromScript("Get-Item -LiteralPath '/no/such/path/anywhere' -ErrorAction Stop");
            ErrorRecord back = RoundTripError(source);

            Assert.Equal(source.FullyQualifiedErrorId, back.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, back.CategoryInfo.Category);
            AssertSameCategoryInfo(source, back);
            Assert.Equal(source.Exception.Message, back.Exception.Message);
            Assert.Equal("System.Management.Automation.ItemNotFoundException", ((WorkerScriptException)back.Exception).WorkerExceptionType);
            Assert.Equal(source.TargetObject, back.TargetObject);
        }

        [Fact]
        public void ErrorBuiltInCodeKeepsCategoryInfoAndErrorDetails()
        {
            var target = new Hashtable { ["Id"] = 7 };
            var source = new ErrorRecord(new InvalidOperationException("it went wrong"), "Widget.Failed", ErrorCategory.InvalidArgument, target)
            {
                ErrorDetails = new ErrorDetails("a friendlier message") { RecommendedAction = "try again" },
            };
            source.CategoryInfo.Activity = "Set-Widget";
            source.CategoryInfo.Reason = "WidgetReason";
            source.CategoryInfo.TargetName = "widget seven";
            source.CategoryInfo.TargetType = "Widget";

            ErrorRecord back = RoundTripError(source);

            Assert.Equal("it went wrong", back.Exception.Message);
            Assert.Equal("Widget.Failed", back.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, back.CategoryInfo.Category);
            Assert.Equal("Set-Widget", back.CategoryInfo.Activity);
            Assert.Equal("WidgetReason", back.CategoryInfo.Reason);
            Assert.Equal("widget seven", back.CategoryInfo.TargetName);
            Assert.Equal("Widget", back.CategoryInfo.TargetType);
            Assert.NotNull(back.ErrorDetails);
            Assert.Equal("a friendlier message", back.ErrorDetails.Message);
            Assert.Equal("try again", back.ErrorDetails.RecommendedAction);
            Assert.Equal("a friendlier message", back.ToString());
            Assert.Equal("System.InvalidOperationException", ((WorkerScriptException)back.Exception).WorkerExceptionType);
            Assert.Null(back.ScriptStackTrace);

            var backTarget = Assert.IsType<Hashtable>(back.TargetObject);
            Assert.Equal(7, backTarget["id"]);
        }

        [Fact]
        public void ErrorTargetIsLeftOutWhenNotIncluded()
        {
            var source = new ErrorRecord(new InvalidOperationException("x"), "Id", ErrorCategory.NotSpecified, "the target");
            ErrorRecord back = RoundTripError(source, includeTarget: false);
            Assert.Null(back.TargetObject);

            // The category info still names the target as the worker saw it.
            Assert.Equal("the target", back.CategoryInfo.TargetName);
            Assert.Equal("String", back.CategoryInfo.TargetType);
        }

        [Fact]
        public void ErrorTargetOverrideReplacesTheCarriedTarget()
        {
            var source = new ErrorRecord(new InvalidOperationException("x"), "Id", ErrorCategory.NotSpecified, "carried");
            var replacement = new object();

            ErrorRecord back = RoundTripError(source, includeTarget: true, targetOverride: replacement, useOverride: true);
            Assert.Same(replacement, back.TargetObject);

            ErrorRecord nulled = RoundTripError(source, includeTarget: true, targetOverride: null, useOverride: true);
            Assert.Null(nulled.TargetObject);

            ErrorRecord kept = RoundTripError(source, includeTarget: true, targetOverride: replacement, useOverride: false);
            Assert.Equal("carried", kept.TargetObject);
        }

        [Fact]
        public void ErrorWithACustomObjectTargetCarriesIt()
        {
            var target = new PSObject();
            target.Properties.Add(new PSNoteProperty("Name", "item 3"));
            var source = new ErrorRecord(new ArgumentException("bad item"), "BadItem", ErrorCategory.InvalidData, target);
            ErrorRecord back = RoundTripError(source);
            var backTarget = Assert.IsType<PSObject>(back.TargetObject);
            Assert.Equal("item 3", backTarget.Properties["Name"].Value);
        }

        [Fact]
        public void ErrorReadBackAndSentAgainKeepsTheOriginalExceptionType()
        {
            ErrorRecord source = ErrorFromScript("function f { throw [System.IO.FileNotFoundException]::new('missing file') }; f");
            ErrorRecord once = RoundTripError(source);
            ErrorRecord twice = RoundTripError(once);

            string? originalType = ((WorkerScriptException)once.Exception).WorkerExceptionType;
            Assert.Equal(originalType, ((WorkerScriptException)twice.Exception).WorkerExceptionType);
            Assert.NotEqual(typeof(WorkerScriptException).FullName, originalType);
            Assert.Equal(once.Exception.Message, twice.Exception.Message);
            Assert.Equal(once.FullyQualifiedErrorId, twice.FullyQualifiedErrorId);
            Assert.Equal(once.ScriptStackTrace, twice.ScriptStackTrace);
            AssertSameCategoryInfo(once, twice);
        }

        [Fact]
        public void ErrorTruncatedAnywhereThrowsInvalidData()
        {
            ErrorRecord source = ErrorFromScript("function f { throw 'boom' }; f");
            var w = new PayloadWriter();
            RecordCodec.WriteError(w, source, true);
            byte[] full = w.ToArray();
            for (int cut = 0; cut < full.Length; cut++)
            {
                byte[] part = full.Take(cut).ToArray();
                Assert.Throws<System.IO.InvalidDataException>(() => RecordCodec.ReadError(new PayloadReader(part), null, false));
            }
        }

        [Fact]
        public void HostInformationMessageKeepsColoursAndNoNewLine()
        {
            var message = new HostInformationMessage
            {
                Message = "coloured text",
                NoNewLine = true,
                ForegroundColor = ConsoleColor.Yellow,
                BackgroundColor = ConsoleColor.DarkBlue,
            };
            var source = new InformationRecord(message, "Write-Host")
            {
                TimeGenerated = new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc),
                User = @"DOMAIN\someone",
                Computer = "worker-host",
                ProcessId = 4242,
            };
            source.Tags.Add("PSHOST");
            source.Tags.Add("Extra");

            InformationRecord back = RoundTripInformation(source);

            var data = Assert.IsType<HostInformationMessage>(back.MessageData);
            Assert.Equal("coloured text", data.Message);
            Assert.True(data.NoNewLine);
            Assert.Equal(ConsoleColor.Yellow, data.ForegroundColor);
            Assert.Equal(ConsoleColor.DarkBlue, data.BackgroundColor);
            Assert.Equal("Write-Host", back.Source);
            Assert.Equal(new[] { "PSHOST", "Extra" }, back.Tags.ToArray());
            Assert.Equal(source.TimeGenerated, back.TimeGenerated);
            Assert.Equal(DateTimeKind.Utc, back.TimeGenerated.Kind);
            Assert.Equal(@"DOMAIN\someone", back.User);
            Assert.Equal("worker-host", back.Computer);
            Assert.Equal(4242u, back.ProcessId);
            Assert.Equal("coloured text", back.ToString());
        }

        [Fact]
        public void HostInformationMessageWithoutColoursHasNone()
        {
            var source = new InformationRecord(new HostInformationMessage { Message = "plain" }, "Write-Host");
            InformationRecord back = RoundTripInformation(source);
            var data = Assert.IsType<HostInformationMessage>(back.MessageData);
            Assert.Equal("plain", data.Message);
            Assert.NotEqual(true, data.NoNewLine);
            Assert.Null(data.ForegroundColor);
            Assert.Null(data.BackgroundColor);
        }

        [Fact]
        public void WriteHostFromAScriptRoundTrips()
        {
            using var ps = PowerShell.Create();
            ps.AddScript("Write-Host 'hello' -ForegroundColor Green -BackgroundColor Black -NoNewline; Write-Host 'second'");
            ps.Invoke();
            Assert.Equal(2, ps.Streams.Information.Count);
            InformationRecord first = ps.Streams.Information[0];
            InformationRecord second = ps.Streams.Information[1];

            InformationRecord back = RoundTripInformation(first);
            var data = Assert.IsType<HostInformationMessage>(back.MessageData);
            Assert.Equal("hello", data.Message);
            Assert.True(data.NoNewLine);
            Assert.Equal(ConsoleColor.Green, data.ForegroundColor);
            Assert.Equal(ConsoleColor.Black, data.BackgroundColor);
            Assert.Equal(first.Source, back.Source);
            Assert.Equal(first.Tags.ToArray(), back.Tags.ToArray());
            Assert.Contains("PSHOST", back.Tags);
            Assert.Equal(first.TimeGenerated, back.TimeGenerated);
            Assert.Equal(first.User, back.User);
            Assert.Equal(first.Computer, back.Computer);
            Assert.Equal(first.ProcessId, back.ProcessId);

            InformationRecord backSecond = RoundTripInformation(second);
            var secondData = Assert.IsType<HostInformationMessage>(backSecond.MessageData);
            Assert.Equal("second", secondData.Message);
            Assert.NotEqual(true, secondData.NoNewLine);
            Assert.Equal(((HostInformationMessage)second.MessageData).ForegroundColor, secondData.ForegroundColor);
            Assert.Equal(((HostInformationMessage)second.MessageData).BackgroundColor, secondData.BackgroundColor);
        }

        [Fact]
        public void InformationWithPlainMessageDataKeepsDataTagsAndSource()
        {
            var source = new InformationRecord("just a message", "my-source")
            {
                TimeGenerated = new DateTime(2022, 8, 9, 10, 11, 12, DateTimeKind.Local),
                User = "me",
                Computer = "box",
                ProcessId = uint.MaxValue,
            };
            source.Tags.Add("one");
            source.Tags.Add("two");
            source.Tags.Add("ünïcode 😀");

            InformationRecord back = RoundTripInformation(source);

            Assert.Equal("just a message", back.MessageData);
            Assert.Equal("my-source", back.Source);
            Assert.Equal(new[] { "one", "two", "ünïcode 😀" }, back.Tags.ToArray());
            Assert.Equal(source.TimeGenerated, back.TimeGenerated);
            Assert.Equal(DateTimeKind.Local, back.TimeGenerated.Kind);
            Assert.Equal("me", back.User);
            Assert.Equal("box", back.Computer);
            Assert.Equal(uint.MaxValue, back.ProcessId);
        }

        [Fact]
        public void InformationWithStructuredMessageDataCarriesIt()
        {
            var data = new Hashtable { ["Step"] = 3, ["Name"] = "copy" };
            InformationRecord back = RoundTripInformation(new InformationRecord(data, null));
            var backData = Assert.IsType<Hashtable>(back.MessageData);
            Assert.Equal(3, backData["step"]);
            Assert.Equal("copy", backData["name"]);
            Assert.Null(back.Source);
            Assert.Empty(back.Tags);

            InformationRecord nullData = RoundTripInformation(new InformationRecord(null, "s"));
            Assert.Null(nullData.MessageData);
        }

        [Fact]
        public void WriteInformationFromAScriptRoundTrips()
        {
            using var ps = PowerShell.Create();
            ps.AddScript("Write-Information -MessageData 'info text' -Tags alpha, beta");
            ps.Invoke();
            InformationRecord source = Assert.Single(ps.Streams.Information);

            InformationRecord back = RoundTripInformation(source);
            Assert.Equal("info text", back.MessageData);
            Assert.Equal(source.Source, back.Source);
            Assert.Equal(new[] { "alpha", "beta" }, back.Tags.ToArray());
            Assert.Equal(source.TimeGenerated, back.TimeGenerated);
            Assert.Equal(source.ProcessId, back.ProcessId);
        }

        [Fact]
        public void ProgressKeepsEveryField()
        {
            var source = new ProgressRecord(7, "Copying files", "3 of 10")
            {
                ParentActivityId = 2,
                CurrentOperation = "file3.txt",
                PercentComplete = 30,
                SecondsRemaining = 95,
                RecordType = ProgressRecordType.Processing,
            };

            ProgressRecord back = RoundTripProgress(source);

            Assert.Equal(7, back.ActivityId);
            Assert.Equal(2, back.ParentActivityId);
            Assert.Equal("Copying files", back.Activity);
            Assert.Equal("3 of 10", back.StatusDescription);
            Assert.Equal("file3.txt", back.CurrentOperation);
            Assert.Equal(30, back.PercentComplete);
            Assert.Equal(95, back.SecondsRemaining);
            Assert.Equal(ProgressRecordType.Processing, back.RecordType);
        }

        [Theory]
        [InlineData(0, -1, -1, -1, ProgressRecordType.Completed)]
        [InlineData(int.MaxValue, 0, 100, int.MaxValue, ProgressRecordType.Processing)]
        [InlineData(1, 0, 0, 0, ProgressRecordType.Completed)]
        public void ProgressEdgeValuesRoundTrip(int id, int parent, int percent, int seconds, ProgressRecordType type)
        {
            var source = new ProgressRecord(id, "a", "s")
            {
                ParentActivityId = parent,
                PercentComplete = percent,
                SecondsRemaining = seconds,
                RecordType = type,
            };

            ProgressRecord back = RoundTripProgress(source);

            Assert.Equal(id, back.ActivityId);
            Assert.Equal(parent, back.ParentActivityId);
            Assert.Equal(percent, back.PercentComplete);
            Assert.Equal(seconds, back.SecondsRemaining);
            Assert.Equal(type, back.RecordType);
            Assert.Null(back.CurrentOperation);
        }

        [Fact]
        public void ProgressFromWriteProgressRoundTrips()
        {
            using var ps = PowerShell.Create();
            ps.AddScript("Write-Progress -Id 4 -ParentId 1 -Activity 'Outer work' -Status 'Half' -CurrentOperation 'op' -PercentComplete 50 -SecondsRemaining 12; " +
                "Write-Progress -Id 4 -Activity 'Outer work' -Completed");
            ps.Invoke();
            Assert.True(ps.Streams.Progress.Count >= 2);

            foreach (ProgressRecord source in ps.Streams.Progress)
            {
                ProgressRecord back = RoundTripProgress(source);
                Assert.Equal(source.ActivityId, back.ActivityId);
                Assert.Equal(source.ParentActivityId, back.ParentActivityId);
                Assert.Equal(source.Activity, back.Activity);
                Assert.Equal(source.StatusDescription, back.StatusDescription);
                Assert.Equal(source.CurrentOperation, back.CurrentOperation);
                Assert.Equal(source.PercentComplete, back.PercentComplete);
                Assert.Equal(source.SecondsRemaining, back.SecondsRemaining);
                Assert.Equal(source.RecordType, back.RecordType);
            }
        }

        [Fact]
        public void ProgressTruncatedAnywhereThrowsInvalidData()
        {
            var w = new PayloadWriter();
            RecordCodec.WriteProgress(w, new ProgressRecord(1, "act", "stat") { CurrentOperation = "op" });
            byte[] full = w.ToArray();
            for (int cut = 0; cut < full.Length; cut++)
            {
                byte[] part = full.Take(cut).ToArray();
                Assert.Throws<System.IO.InvalidDataException>(() => RecordCodec.ReadProgress(new PayloadReader(part)));
            }
        }
    }
}
