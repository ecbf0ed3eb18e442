using System;
using System.IO;
using System.Linq;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Decides how a local worker starts, from a <see cref="StartContext"/> alone (no I/O), so that
    /// every platform's decision is tested anywhere.
    /// </summary>
    internal static class StartPlanner
    {
        /// <summary>The hidden cmdlet the bootstrap runs; exported by ProcCmdlets.dll, not by the manifest.</summary>
        public const string WorkerCmdlet = "Invoke-ProcCmdletsWorker";

        private const string HostArguments = "-NoLogo -NoProfile -NonInteractive -Command ";

        public static LaunchPlan Plan(StartContext c)
        {
            bool forcedHost = string.Equals(c.ForcedStrategy, nameof(WorkerStartStrategy.Host), StringComparison.OrdinalIgnoreCase);
            int? target = c.IsNetFramework ? null : WorkerTarget(c.RuntimeMajor, c.WorkerTargets);
            if (!forcedHost && c.DotnetMuxer != null && target.HasValue)
            {
                string workerDll = WorkerPath(c.ModuleDirectory, target.Value, c.OS);
                if (c.RuntimeConfig == null)
                {
                    return new LaunchPlan(WorkerStartStrategy.Engine, c.DotnetMuxer, $"exec {Quote(workerDll)} {Quote(c.PSHome)}")
                    {
                        DisableDiagnostics = true,
                        WorkerTarget = target,
                    };
                }

                // The session's own runtimeconfig: the worker resolves the runtime the session did (not
                // an older one its own build rolls forward from, which cannot load an engine built for a
                // newer one) and the same frameworks (Microsoft.WindowsDesktop.App on Windows). That file
                // does not turn concurrent GC off as the worker's own does; the variable does.
                return new LaunchPlan(WorkerStartStrategy.Engine, c.DotnetMuxer, $"exec --runtimeconfig {Quote(c.RuntimeConfig)} {Quote(workerDll)} {Quote(c.PSHome)}")
                {
                    DisableDiagnostics = true,
                    WorkerTarget = target,
                    ExtraTuning = new[] { ("DOTNET_gcConcurrent", "0") },
                };
            }

            return HostPlan(c);
        }

        /// <summary>
        /// The variables a start adds to the worker's environment: the tuning ones the session's own
        /// environment does not set, and the list of them the worker removes again. None where the
        /// plan may not change the environment.
        /// </summary>
        public static System.Collections.Generic.List<(string Name, string Value)> EnvironmentFor(LaunchPlan plan, Func<string, string> sessionVariable)
        {
            var result = new System.Collections.Generic.List<(string Name, string Value)>();
            if (!plan.MayChangeEnvironment)
            {
                return result;
            }

            if (plan.DisableDiagnostics && sessionVariable(LaunchContract.DiagnosticsVariable) == null)
            {
                result.Add((LaunchContract.DiagnosticsVariable, "0"));
                result.Add((LaunchContract.UnsetDiagnosticsVariable, "1"));
            }

            string added = string.Empty;
            foreach (var (name, value) in LaunchContract.RuntimeTuning.Concat(plan.ExtraTuning))
            {
                if (sessionVariable(name) == null)
                {
                    result.Add((name, value));
                    added += name + ";";
                }
            }

            if (added.Length > 0)
            {
                result.Add((LaunchContract.UnsetTuningVariable, added));
            }

            return result;
        }

        /// <summary>The newest worker build the runtime can run: its major version or an older one.</summary>
        public static int? WorkerTarget(int runtimeMajor, System.Collections.Generic.IEnumerable<int> targets)
        {
            int[] usable = (targets ?? Enumerable.Empty<int>()).Where(t => t <= runtimeMajor).ToArray();
            return usable.Length == 0 ? (int?)null : usable.Max();
        }

        /// <summary>"net8.0" → 8; anything else → null.</summary>
        public static int? ParseTarget(string folderName)
        {
            if (folderName == null || !folderName.StartsWith("net", StringComparison.OrdinalIgnoreCase) || !folderName.EndsWith(".0", StringComparison.Ordinal))
            {
                return null;
            }

            return int.TryParse(folderName.Substring(3, folderName.Length - 5), out int major) && major >= 5 ? major : (int?)null;
        }

        public static string WorkerPath(string moduleDirectory, int target, OSFamily os) =>
            Join(os, moduleDirectory, "worker", $"net{target}.0", "ProcCmdlets.Worker.dll");

        /// <summary>
        /// The bootstrap: import the module's assembly and run the hidden cmdlet. Both are allowed in
        /// ConstrainedLanguage (where Add-Type and static method calls are not) whenever the module
        /// itself may load; it carries a path, never a script of the user's.
        /// </summary>
        public static string Bootstrap(string moduleDirectory, OSFamily os, bool skipByteOrderMark)
        {
            // PowerShell also ends a single-quoted string at the typographic quotes (‘ ’ ‚ ‛): the engine's own escaping doubles them too.
            string dll = System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(Join(os, moduleDirectory, "ProcCmdlets.dll"));
            return $"Import-Module -Name '{dll}'; {WorkerCmdlet}" + (skipByteOrderMark ? " -SkipByteOrderMark" : string.Empty);
        }

        private static LaunchPlan HostPlan(StartContext c)
        {
            string path = c.ProcessPath ?? string.Empty;
            string name = FileNameWithoutExtension(path);
            if (c.IsNetFramework)
            {
                // Windows PowerShell: the session may be ISE, a WinRM endpoint (wsmprovhost) or any
                // other host that takes no powershell.exe arguments; powershell.exe always does. Its
                // redirected input may begin with a byte-order mark, and its ProcessStartInfo.Environment
                // throws on names that differ only in case, so it is left alone.
                string exe = string.Equals(name, "powershell", StringComparison.OrdinalIgnoreCase) ? path : c.WindowsPowerShellPath;
                return new LaunchPlan(WorkerStartStrategy.Host, exe, HostArguments + Quote(Bootstrap(c.ModuleDirectory, c.OS, true)))
                {
                    InputMayStartWithByteOrderMark = true,
                    MayChangeEnvironment = false,
                };
            }

            string arguments = HostArguments + Quote(Bootstrap(c.ModuleDirectory, c.OS, false));
            if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                // The session is `dotnet pwsh.dll`: run the same pwsh.dll.
                string pwshDll = Join(c.OS, c.PSHome, "pwsh.dll");
                return new LaunchPlan(WorkerStartStrategy.Host, path, $"exec {Quote(pwshDll)} {arguments}") { DisableDiagnostics = true };
            }

            if (string.Equals(name, "pwsh", StringComparison.OrdinalIgnoreCase))
            {
                return new LaunchPlan(WorkerStartStrategy.Host, path, arguments) { DisableDiagnostics = true };
            }

            // Hosted elsewhere (VS Code's host, a custom host): the pwsh beside the engine.
            string pwsh = Join(c.OS, c.PSHome, c.OS == OSFamily.Windows ? "pwsh.exe" : "pwsh");
            return new LaunchPlan(WorkerStartStrategy.Host, pwsh, arguments) { DisableDiagnostics = true };
        }

        // Paths are joined with the target OS's separator, so that a plan for Windows reads as one when tested on Linux.
        private static string Join(OSFamily os, params string[] parts)
        {
            char separator = os == OSFamily.Windows ? '\\' : '/';
            string result = parts[0].TrimEnd('/', '\\');
            for (int i = 1; i < parts.Length; i++)
            {
                result += separator + parts[i];
            }

            return result;
        }

        private static string FileNameWithoutExtension(string path)
        {
            string file = path.Substring(Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\')) + 1);
            int dot = file.LastIndexOf('.');
            return dot > 0 ? file.Substring(0, dot) : file;
        }

        public static string Quote(string argument) => CommandLine.Quote(argument);
    }
}
