using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Channel.Protocol
{
    public class WorkerSetupTests
    {
        private static WorkerSetup RoundTrip(WorkerSetup setup)
        {
            var w = new PayloadWriter();
            setup.Write(w);
            var r = new PayloadReader(w.ToArray());
            WorkerSetup back = WorkerSetup.Read(r);
            Assert.True(r.AtEnd);
            return back;
        }

        [Fact]
        public void SetupRoundTripsDirectoryEnvironmentAndVariables()
        {
            var custom = new PSObject();
            custom.Properties.Add(new PSNoteProperty("Level", 2));

            var setup = new WorkerSetup { WorkingDirectory = "/tmp/wörk dir" };
            setup.Environment.Add(new KeyValuePair<string, string?>("PATH", "/usr/bin:/bin"));
            setup.Environment.Add(new KeyValuePair<string, string?>("REMOVED", null));
            setup.Environment.Add(new KeyValuePair<string, string?>("EMPTY", string.Empty));
            setup.Environment.Add(new KeyValuePair<string, string?>("UNICODE_😀", "välue 日本"));
            setup.Variables.Add(new KeyValuePair<string, object?>("ErrorActionPreference", "Stop"));
            setup.Variables.Add(new KeyValuePair<string, object?>("Count", 3));
            setup.Variables.Add(new KeyValuePair<string, object?>("Nothing", null));
            setup.Variables.Add(new KeyValuePair<string, object?>("Table", new Hashtable { ["a"] = 1 }));
            setup.Variables.Add(new KeyValuePair<string, object?>("List", new object[] { "x", 2L }));
            setup.Variables.Add(new KeyValuePair<string, object?>("Custom", custom));
            setup.Variables.Add(new KeyValuePair<string, object?>("When", new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
            setup.Variables.Add(new KeyValuePair<string, object?>("Switch", new SwitchParameter(true)));
            setup.Variables.Add(new KeyValuePair<string, object?>("Endpoint", new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 22)));

            WorkerSetup back = RoundTrip(setup);

            Assert.Equal("/tmp/wörk dir", back.WorkingDirectory);
            Assert.Equal(setup.Environment, back.Environment);
            Assert.Null(back.Environment.Single(p => p.Key == "REMOVED").Value);
            Assert.Equal(string.Empty, back.Environment.Single(p => p.Key == "EMPTY").Value);

            Assert.Equal(setup.Variables.Select(p => p.Key), back.Variables.Select(p => p.Key));
            var values = back.Variables.ToDictionary(p => p.Key, p => p.Value);
            Assert.Equal("Stop", values["ErrorActionPreference"]);
            Assert.Equal(3, values["Count"]);
            Assert.Null(values["Nothing"]);
            Assert.Equal(1, Assert.IsType<Hashtable>(values["Table"])["A"]);
            Assert.Equal(new object[] { "x", 2L }, Assert.IsType<object[]>(values["List"]));
            Assert.Equal(2, Assert.IsType<PSObject>(values["Custom"]).Properties["Level"].Value);
            Assert.Equal(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), values["When"]);
            Assert.Equal(new SwitchParameter(true), values["Switch"]);
            Assert.Equal("127.0.0.1:22", values["Endpoint"]?.ToString());
        }

        [Fact]
        public void EmptySetupRoundTrips()
        {
            WorkerSetup back = RoundTrip(new WorkerSetup());
            Assert.Null(back.WorkingDirectory);
            Assert.Empty(back.Environment);
            Assert.Empty(back.Variables);
        }

        [Fact]
        public void ManyEnvironmentEntriesKeepTheirOrder()
        {
            var setup = new WorkerSetup { WorkingDirectory = string.Empty };
            for (int i = 0; i < 2000; i++)
            {
                setup.Environment.Add(new KeyValuePair<string, string?>("VAR_" + i, i % 5 == 0 ? null : new string('v', i)));
            }

            WorkerSetup back = RoundTrip(setup);
            Assert.Equal(string.Empty, back.WorkingDirectory);
            Assert.Equal(setup.Environment, back.Environment);
        }

        [Fact]
        public void SetupFollowedByMoreContentLeavesTheReaderAtThatContent()
        {
            var setup = new WorkerSetup { WorkingDirectory = "/w" };
            setup.Variables.Add(new KeyValuePair<string, object?>("v", 1));
            var w = new PayloadWriter();
            setup.Write(w);
            w.WriteString("trailer");

            var r = new PayloadReader(w.ToArray());
            WorkerSetup.Read(r);
            Assert.Equal("trailer", r.ReadString());
            Assert.True(r.AtEnd);
        }

        [Fact]
        public void VariablesRoundTripOnTheirOwn()
        {
            var variables = new List<KeyValuePair<string, object?>>
            {
                new KeyValuePair<string, object?>("a", 1.5),
                new KeyValuePair<string, object?>("b", null),
                new KeyValuePair<string, object?>("c", PSObject.AsPSObject("wrapped")),
            };

            var w = new PayloadWriter();
            WorkerSetup.WriteVariables(w, variables);
            var r = new PayloadReader(w.ToArray());
            var back = WorkerSetup.ReadVariables(r);
            Assert.True(r.AtEnd);

            Assert.Equal(new[] { "a", "b", "c" }, back.Select(p => p.Key));
            Assert.Equal(1.5, back[0].Value);
            Assert.Null(back[1].Value);
            Assert.Equal("wrapped", back[2].Value);
        }

        [Fact]
        public void ValuesRoundTrip()
        {
            var values = new object?[] { 1, "two", null, new object[] { 3 }, 4.0m, 'c' };
            var w = new PayloadWriter();
            WorkerSetup.WriteValues(w, values);
            var r = new PayloadReader(w.ToArray());
            var back = WorkerSetup.ReadValues(r);
            Assert.True(r.AtEnd);
            Assert.Equal(values.Length, back.Length);
            Assert.Equal(1, back[0]);
            Assert.Equal("two", back[1]);
            Assert.Null(back[2]);
            Assert.Equal(new object[] { 3 }, Assert.IsType<object[]>(back[3]));
            Assert.Equal(4.0m, back[4]);
            Assert.Equal('c', back[5]);
        }

        [Fact]
        public void NullAndEmptyValueListsReadAsEmpty()
        {
            foreach (IReadOnlyCollection<object>? values in new IReadOnlyCollection<object>?[] { null, Array.Empty<object>() })
            {
                var w = new PayloadWriter();
                WorkerSetup.WriteValues(w, values);
                Assert.Equal(new byte[] { 0 }, w.ToArray());
                var r = new PayloadReader(w.ToArray());
                Assert.Empty(WorkerSetup.ReadValues(r));
                Assert.True(r.AtEnd);
            }
        }

        [Fact]
        public void SetupTruncatedAnywhereThrowsInvalidData()
        {
            var setup = new WorkerSetup { WorkingDirectory = "/somewhere" };
            setup.Environment.Add(new KeyValuePair<string, string?>("K", "V"));
            setup.Environment.Add(new KeyValuePair<string, string?>("N", null));
            setup.Variables.Add(new KeyValuePair<string, object?>("x", new Hashtable { ["deep"] = new object[] { 1, "s" } }));
            var w = new PayloadWriter();
            setup.Write(w);
            byte[] full = w.ToArray();

            for (int cut = 0; cut < full.Length; cut++)
            {
                byte[] part = full.Take(cut).ToArray();
                Assert.Throws<InvalidDataException>(() => WorkerSetup.Read(new PayloadReader(part)));
            }
        }
    }
}
