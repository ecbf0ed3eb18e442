using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Transport
{
    /// <summary>Builds the command that starts a worker; the command line carries only paths, never a script.</summary>
    internal static class WorkerLauncher
    {
        private static readonly Lazy<LaunchPlan> Plan = new Lazy<LaunchPlan>(CreatePlan);

        public static string ModuleDirectory { get; } = Path.GetDirectoryName(typeof(WorkerLauncher).Assembly.Location);

        public static string PSHome { get; } = Path.GetDirectoryName(typeof(PSObject).Assembly.Location);

        public static WorkerStartStrategy Strategy => Plan.Value.Strategy;

        public static ProcessStartInfo CreateStartInfo(string workingDirectory)
        {
            LaunchPlan plan = Plan.Value;
            var info = new ProcessStartInfo(plan.FileName, plan.Arguments)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            // Workers need no debugger or diagnostics endpoints (they would leave files in the temp folder);
            // the worker removes the setting again, so the programs it starts do not inherit it.
            if (Environment.GetEnvironmentVariable(LaunchContract.DiagnosticsVariable) == null)
            {
                info.Environment[LaunchContract.DiagnosticsVariable] = "0";
                info.Environment[LaunchContract.UnsetDiagnosticsVariable] = "1";
            }

            var added = new StringBuilder();
            foreach (var (name, value) in LaunchContract.RuntimeTuning)
            {
                if (Environment.GetEnvironmentVariable(name) == null)
                {
                    info.Environment[name] = value;
                    added.Append(name).Append(';');
                }
            }

            if (added.Length > 0)
            {
                info.Environment[LaunchContract.UnsetTuningVariable] = added.ToString();
            }

            if (workingDirectory != null && Directory.Exists(workingDirectory))
            {
                info.WorkingDirectory = workingDirectory;
            }

            return info;
        }

        private static LaunchPlan CreatePlan()
        {
            string forced = Environment.GetEnvironmentVariable(LaunchContract.StrategyVariable);
            string workerDll = Path.Combine(ModuleDirectory, "ProcCmdlets.Worker.dll");
            string muxer = FindDotnetMuxer();
            bool engine = muxer != null && File.Exists(workerDll) && IsCoreClr();
            if (string.Equals(forced, nameof(WorkerStartStrategy.Host), StringComparison.OrdinalIgnoreCase))
            {
                engine = false;
            }

            if (engine)
            {
                return new LaunchPlan(WorkerStartStrategy.Engine, muxer, $"exec {Quote(workerDll)} {Quote(PSHome)}");
            }

            return HostPlan();
        }

        private static LaunchPlan HostPlan()
        {
            string process = Process.GetCurrentProcess().MainModule.FileName;
            string hostArgs = "-NoLogo -NoProfile -NonInteractive -Command ";
            string bootstrap = $"& {{ Add-Type -LiteralPath '{Path.Combine(ModuleDirectory, "ProcCmdlets.dll").Replace("'", "''")}'; exit [ProcCmdlets.Worker.WorkerMain]::Run() }}";
            string name = Path.GetFileNameWithoutExtension(process);
            if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                // The session is `dotnet pwsh.dll`: run the same pwsh.dll.
                string pwshDll = Path.Combine(PSHome, "pwsh.dll");
                return new LaunchPlan(WorkerStartStrategy.Host, process, $"exec {Quote(pwshDll)} {hostArgs}{Quote(bootstrap)}");
            }

            if (!IsCoreClr() || string.Equals(name, "pwsh", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "powershell", StringComparison.OrdinalIgnoreCase))
            {
                return new LaunchPlan(WorkerStartStrategy.Host, process, hostArgs + Quote(bootstrap));
            }

            // Hosted elsewhere: the pwsh beside the engine.
            string pwsh = Path.Combine(PSHome, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "pwsh.exe" : "pwsh");
            return new LaunchPlan(WorkerStartStrategy.Host, pwsh, hostArgs + Quote(bootstrap));
        }

        private static bool IsCoreClr() =>
            !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>The dotnet executable of the runtime this session runs on, if it is a shared runtime.</summary>
        private static string FindDotnetMuxer()
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

        private static string Quote(string argument) => "\"" + argument.Replace("\"", "\\\"") + "\"";
    }
}
