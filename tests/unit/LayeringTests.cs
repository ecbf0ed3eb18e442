using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace ProcCmdlets.Tests
{
    /// <summary>
    /// docs/architecture.md's rules, checked on the source: each layer names only types of the layers
    /// below it, worker-side code only the channel's, and no file grows past what one can hold in mind.
    /// </summary>
    public class LayeringTests
    {
        /// <summary>Session-side layers, lowest first; a layer may use the ones before it.</summary>
        private static readonly string[] Layers = { "Channel", "Records", "Transport", "Connection", "Shared", "Pools", "(root)", "Commands" };

        private const int MaxLines = 350;

        private static readonly char[] Slashes = { '/', '\\' };


        private static readonly string Source = FindSource();

        private static string FindSource()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "src", "ProcCmdlets");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("src/ProcCmdlets was not found above the test assembly.");
        }

        private static IEnumerable<string> Files() =>
            Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar)
                    && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar));

        /// <summary>The top folder of a file (Channel/Protocol belongs to Channel), or "(root)".</summary>
        private static string LayerOf(string file)
        {
            string relative = Path.GetRelativePath(Source, file);
            int slash = relative.IndexOfAny(Slashes);
            return slash < 0 ? "(root)" : relative.Substring(0, slash);
        }

        /// <summary>The code without comments and string literals.</summary>
        private static string Code(string file)
        {
            string text = File.ReadAllText(file);
            text = Regex.Replace(text, @"//[^\n]*", string.Empty);
            text = Regex.Replace(text, @"/\*.*?\*/", string.Empty, RegexOptions.Singleline);
            text = Regex.Replace(text, @"@?\$?""(?:[^""\\]|\\.|"""")*""", "\"\"");
            return text;
        }

        private static Dictionary<string, string> DeclaredTypes()
        {
            var types = new Dictionary<string, string>();
            foreach (string file in Files())
            {
                // Top-level types only: a nested type's name is private to its file.
                foreach (Match m in Regex.Matches(Code(file), @"^    (?:public |internal )?(?:abstract |sealed |static |readonly )*(?:partial )?(?:class|struct|enum|interface)\s+([A-Z]\w*)", RegexOptions.Multiline))
                {
                    types[m.Groups[1].Value] = LayerOf(file);
                }
            }

            return types;
        }

        /// <summary>
        /// Root types that need nothing but the channel (the exceptions, the pool's state, the shared
        /// objects, which are the same types in the session and in a worker): any layer may use them.
        /// </summary>
        private static bool IsLeaf(string file) =>
            LayerOf(file) == "(root)"
            && Regex.Matches(Code(file), @"using ProcCmdlets\.([\w.]+);").Cast<Match>().All(m => m.Groups[1].Value.StartsWith("Channel", StringComparison.Ordinal))
            && !Regex.IsMatch(Code(file), @"\b(ProcessPool|WorkerProcess|ProcCmdletsJob|WorkerPool)\b");

        [Fact]
        public void EachLayerUsesOnlyTheLayersBelowItAndWorkerCodeOnlyTheChannel()
        {
            Dictionary<string, string> types = DeclaredTypes();
            var leaves = new HashSet<string>(Files().Where(IsLeaf).Select(f => Path.GetFileNameWithoutExtension(f)));
            var violations = new List<string>();
            foreach (string file in Files())
            {
                string layer = IsLeaf(file) ? "Channel" : LayerOf(file);
                var allowed = layer == "Worker"
                    ? new HashSet<string> { "Channel", "Worker" }
                    : new HashSet<string>(Layers.Take(Array.IndexOf(Layers, layer) + 1));
                if (layer == "Commands")
                {
                    // A worker started through pwsh enters the worker side through a (hidden) cmdlet.
                    allowed.Add("Worker");
                }
                foreach (Match m in Regex.Matches(Code(file), @"\b[A-Z]\w*\b").Cast<Match>().GroupBy(x => x.Value).Select(g => g.First()))
                {
                    if (types.TryGetValue(m.Value, out string? owner)
 && !allowed.Contains(owner) && !leaves.Contains(m.Value))
                    {
                        violations.Add($"{Path.GetRelativePath(Source, file)} ({layer}) uses {m.Value} ({owner})");
                    }
                }
            }

            Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        }

        /// <summary>
        /// Static hooks that a higher layer fills in so that a lower one calls it: upward calls the
        /// import rule above cannot see. These predate the rule and are to be passed through
        /// constructors instead; the list may only shrink.
        /// </summary>
        private static readonly string[] KnownUpwardHooks =
        {
            "Connection/SharedAccess.cs: Ended",
            "Connection/SharedAccess.cs: Frames",
        };

        [Fact]
        public void NoLayerBelowTheCommandsHasStaticHooksThatAHigherLayerFills()
        {
            var found = new List<string>();
            foreach (string file in Files().Where(f => LayerOf(f) != "Commands" && LayerOf(f) != "(root)"))
            {
                // A settable static of a delegate or interface type, or a static event.
                foreach (Match m in Regex.Matches(Code(file), @"^\s+(?:(?:public|internal|protected|private)\s+)*static\s+(?!readonly\b)(?:event\s+)?(?:Action|Func|EventHandler|I[A-Z]\w*)\b(?:<[^;{=]*>)?\s+(\w+)\s*(?:;|=[^>]|\{\s*get;\s*(?:private\s+|internal\s+)?set;)", RegexOptions.Multiline))
                {
                    found.Add($"{Path.GetRelativePath(Source, file).Replace('\\', '/')}: {m.Groups[1].Value}");
                }
            }

            found.Sort(StringComparer.Ordinal);
            Assert.Equal(KnownUpwardHooks, found);
        }

        [Fact]
        public void EveryFileHoldsOneTypeNamedAfterItAndStaysSmall()
        {
            var problems = new List<string>();
            foreach (string file in Files())
            {
                string code = Code(file);
                var declared = Regex.Matches(code, @"^    (?:public |internal )?(?:abstract |sealed |static |readonly )*(?:partial )?(?:class|struct|enum|interface)\s+(\w+)", RegexOptions.Multiline)
                    .Select(m => m.Groups[1].Value).ToList();
                string name = Path.GetFileNameWithoutExtension(file);
                if (declared.Count != 1 || declared[0] != name)
                {
                    problems.Add($"{Path.GetRelativePath(Source, file)} declares {string.Join(", ", declared)}");
                }

                int lines = File.ReadAllLines(file).Length;
                if (lines > MaxLines)
                {
                    problems.Add($"{Path.GetRelativePath(Source, file)} has {lines} lines");
                }
            }

            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }
    }
}
