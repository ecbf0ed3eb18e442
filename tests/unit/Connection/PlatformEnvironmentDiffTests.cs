using System.Collections;
using System.Collections.Generic;
using System.Linq;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;
using Xunit;

namespace ProcCmdlets.Tests.Connection
{
    public class PlatformEnvironmentDiffTests
    {
        private static Dictionary<string, string> Env(params string[] pairs)
        {
            var result = new Dictionary<string, string>();
            for (int i = 0; i < pairs.Length; i += 2)
            {
                result[pairs[i]] = pairs[i + 1];
            }

            return result;
        }

        private static string Show(List<KeyValuePair<string, string?>> changes) =>
            string.Join(" ", changes.Select(c => c.Value == null ? "-" + c.Key : c.Key + "=" + c.Value));

        [Fact]
        public void WindowsSetPATHOverPathIsASetNeverAnUnset()
        {
            var changes = EnvironmentDiff.Compute(Env("Path", @"C:\a"), Env("PATH", @"C:\a;C:\b"), OSFamily.Windows);
            Assert.Equal(@"PATH=C:\a;C:\b", Show(changes));
        }

        [Fact]
        public void WindowsAChangeOfCaseAloneIsNoChange()
        {
            Assert.Empty(EnvironmentDiff.Compute(Env("Path", @"C:\a"), Env("PATH", @"C:\a"), OSFamily.Windows));
        }

        [Theory]
        [InlineData("Linux")]
        [InlineData("MacOS")]
        public void UnixNamesDifferingInCaseAreTwoVariables(string osName)
        {
            OSFamily os = System.Enum.Parse<OSFamily>(osName);
            var changes = EnvironmentDiff.Compute(Env("Path", "/a"), Env("PATH", "/a"), os);
            Assert.Equal("-Path PATH=/a", Show(changes));
        }

        [Theory]
        [InlineData("Linux")]
        [InlineData("MacOS")]
        [InlineData("Windows")]
        public void RemovalsComeBeforeSets(string osName)
        {
            OSFamily os = System.Enum.Parse<OSFamily>(osName);
            var changes = EnvironmentDiff.Compute(Env("A", "1", "GONE", "x", "B", "2"), Env("A", "1", "B", "3", "NEW", "n"), os);
            Assert.Equal("-GONE B=3 NEW=n", Show(changes));
        }

        [Fact]
        public void WindowsSnapshotWithNamesDifferingOnlyInCaseDoesNotThrow()
        {
            var block = new Hashtable { ["TMP"] = @"C:\Temp", ["tmp"] = "/tmp" };
            Dictionary<string, string> snapshot = EnvironmentDiff.From(block, OSFamily.Windows);
            Assert.Single(snapshot);
            Assert.True(snapshot.ContainsKey("Tmp"));
        }

        [Fact]
        public void AppliedInOrderAWindowsDiffKeepsTheVariable()
        {
            // Applies the changes to a case-insensitive block as SetEnvironmentVariable does on Windows.
            var block = new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase) { ["Path"] = @"C:\a" };
            foreach (var change in EnvironmentDiff.Compute(Env("Path", @"C:\a", "Old", "o"), Env("PATH", @"C:\b"), OSFamily.Windows))
            {
                if (change.Value == null)
                {
                    block.Remove(change.Key);
                }
                else
                {
                    block[change.Key] = change.Value;
                }
            }

            Assert.Equal(@"C:\b", block["Path"]);
        }
    }
}
