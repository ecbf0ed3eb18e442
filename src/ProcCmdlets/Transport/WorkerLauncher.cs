using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Transport
{
    /// <summary>Builds the command that starts a worker; the command line carries only paths, never a script.</summary>
    internal static class WorkerLauncher
    {
        private static readonly Lazy<LaunchPlan> Plan = new Lazy<LaunchPlan>(CreatePlan);

        // ProcessStartInfo.StandardInputEncoding exists from .NET Core 2.1; the assembly targets netstandard2.0.
        private static readonly System.Reflection.PropertyInfo StandardInputEncoding = typeof(ProcessStartInfo).GetProperty("StandardInputEncoding");

        public static string ModuleDirectory { get; } = Path.GetDirectoryName(typeof(WorkerLauncher).Assembly.Location);

        public static string PSHome { get; } = Path.GetDirectoryName(typeof(PSObject).Assembly.Location);

        public static WorkerStartStrategy Strategy => Plan.Value.Strategy;

        public static ProcessStartInfo CreateStartInfo(string? workingDirectory)
        {
            LaunchPlan plan = Plan.Value;
            var info = RedirectedStartInfo.Create(plan.FileName, plan.Arguments);
            // No byte-order mark before the first frame where the runtime lets us say so (.NET Core's
            // StandardInputEncoding; .NET Framework has none, and its workers skip the mark).
            StandardInputEncoding?.SetValue(info, new UTF8Encoding(false));
            if (plan.InputMayStartWithByteOrderMark)
            {
                AvoidInputPreamble();
            }

            // Workers need no debugger or diagnostics endpoints (they would leave files in the temp folder)
            // nor the tuning the session did not ask for; the worker removes what was added, so the
            // programs it starts do not inherit it. Environment is not touched at all where the plan
            // says so: reading it is what throws on .NET Framework.
            foreach (var (name, value) in StartPlanner.EnvironmentFor(plan, Environment.GetEnvironmentVariable))
            {
                info.Environment[name] = value;
            }

            if (workingDirectory != null && Directory.Exists(workingDirectory))
            {
                info.WorkingDirectory = workingDirectory;
            }

            return info;
        }

        /// <summary>
        /// Starts a worker on Windows with overlapped pipes: the same command and environment as
        /// <see cref="CreateStartInfo"/>, without a StreamWriter on its input (so no byte-order mark).
        /// </summary>
        public static WindowsChildProcess StartOnWindows(string? workingDirectory)
        {
            LaunchPlan plan = Plan.Value;
            var environment = StartPlanner.EnvironmentFor(plan, Environment.GetEnvironmentVariable);
            string? directory = workingDirectory != null && Directory.Exists(workingDirectory) ? workingDirectory : null;
            return WindowsChildProcess.Start(plan.FileName, plan.Arguments, directory, environment);
        }

        /// <summary>
        /// .NET Framework writes standard input through a StreamWriter in Console.InputEncoding, whose
        /// preamble it writes at once. With the UTF-8 code page that encoding has one; the same code
        /// page without a preamble changes nothing for the console and keeps the mark out of the
        /// channel. Where it cannot be set (no console) the worker skips the mark.
        /// </summary>
        private static void AvoidInputPreamble()
        {
            try
            {
                Encoding input = Console.InputEncoding;
                if (input.CodePage == 65001 && input.GetPreamble().Length > 0)
                {
                    Console.InputEncoding = new UTF8Encoding(false);
                }
            }
            catch (Exception)
            {
            }
        }

        private static LaunchPlan CreatePlan() => StartPlanner.Plan(DescribeThisSession());

        /// <summary>What <see cref="StartPlanner"/> needs to know about this session.</summary>
        internal static StartContext DescribeThisSession()
        {
            var context = new StartContext
            {
                FrameworkDescription = RuntimeInformation.FrameworkDescription,
                RuntimeMajor = Environment.Version.Major,
                OS = OSFamilies.Current,
                ProcessPath = Process.GetCurrentProcess().MainModule.FileName,
                PSHome = PSHome,
                ModuleDirectory = ModuleDirectory,
                DotnetMuxer = IsCoreClr() ? FindDotnetMuxer() : null,
                WindowsPowerShellPath = Path.Combine(Environment.SystemDirectory, "WindowsPowerShell", "v1.0", "powershell.exe"),
                ForcedStrategy = Environment.GetEnvironmentVariable(LaunchContract.StrategyVariable),
                RuntimeConfig = IsCoreClr() ? FindRuntimeConfig() : null,
            };
            string workers = Path.Combine(ModuleDirectory, "worker");
            if (Directory.Exists(workers))
            {
                foreach (string folder in Directory.GetDirectories(workers))
                {
                    int? target = StartPlanner.ParseTarget(Path.GetFileName(folder));
                    if (target.HasValue && File.Exists(Path.Combine(folder, "ProcCmdlets.Worker.dll")))
                    {
                        context.WorkerTargets.Add(target.Value);
                    }
                }
            }

            return context;
        }

        private static bool IsCoreClr() =>
            !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>The runtimeconfig.json beside the session's entry assembly (pwsh.dll for pwsh), if there is one.</summary>
        private static string? FindRuntimeConfig()
        {
            try
            {
                string? entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
                if (string.IsNullOrEmpty(entry))
                {
                    return null;
                }

                string config = Path.Combine(Path.GetDirectoryName(entry), Path.GetFileNameWithoutExtension(entry) + ".runtimeconfig.json");
                return File.Exists(config) ? config : null;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>The dotnet executable of the runtime this session runs on, if it is a shared runtime.</summary>
        private static string? FindDotnetMuxer()
        {
            string exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
            try
            {
                string process = Process.GetCurrentProcess().MainModule.FileName;
                if (string.Equals(Path.GetFileName(process), exe, StringComparison.OrdinalIgnoreCase))
                {
                    return process;
                }
            }
            catch (Exception)
            {
            }

            // .../shared/Microsoft.NETCore.App/<version>/ → ...
            string runtimeDir = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            DirectoryInfo version = new DirectoryInfo(runtimeDir);
            if (version.Parent?.Name == "Microsoft.NETCore.App" && version.Parent.Parent?.Name == "shared")
            {
                string candidate = Path.Combine(version.Parent.Parent.Parent.FullName, exe);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
