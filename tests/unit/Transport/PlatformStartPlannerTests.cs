using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ProcCmdlets.Channel;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Transport
{
    public class PlatformStartPlannerTests
    {
        private static StartContext Linux(int major = 10, string process = "/opt/microsoft/powershell/7/pwsh", string? muxer = "/usr/share/dotnet/dotnet") => new StartContext
        {
            FrameworkDescription = $".NET {major}.0.1",
            RuntimeMajor = major,
            OS = OSFamily.Linux,
            ProcessPath = process,
            PSHome = "/opt/microsoft/powershell/7",
            ModuleDirectory = "/home/u/.local/share/powershell/Modules/ProcCmdlets/0.1.0",
            DotnetMuxer = muxer,
            WorkerTargets = new List<int> { 8, 10 },
        };

        private static StartContext Windows(int major, string process, string? muxer = @"C:\Program Files\dotnet\dotnet.exe") => new StartContext
        {
            FrameworkDescription = major == 4 ? ".NET Framework 4.8.9032.0" : $".NET {major}.0.1",
            RuntimeMajor = major,
            OS = OSFamily.Windows,
            ProcessPath = process,
            PSHome = major == 4 ? @"C:\Windows\System32\WindowsPowerShell\v1.0" : @"C:\Program Files\PowerShell\7",
            ModuleDirectory = @"C:\Users\u\Documents\PowerShell\Modules\ProcCmdlets\0.1.0",
            DotnetMuxer = muxer,
            WorkerTargets = new List<int> { 8, 10 },
            WindowsPowerShellPath = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
        };

        [Theory]
        [InlineData(8, 8)]
        [InlineData(9, 8)]
        [InlineData(10, 10)]
        [InlineData(11, 10)]
        public void LinuxPicksTheNewestWorkerBuildTheRuntimeCanRun(int runtime, int target)
        {
            LaunchPlan plan = StartPlanner.Plan(Linux(runtime));
            Assert.Equal(WorkerStartStrategy.Engine, plan.Strategy);
            Assert.Equal(target, plan.WorkerTarget);
            Assert.False(plan.InputMayStartWithByteOrderMark);
            Assert.Equal("/usr/share/dotnet/dotnet", plan.FileName);
            Assert.Equal($"exec \"/home/u/.local/share/powershell/Modules/ProcCmdlets/0.1.0/worker/net{target}.0/ProcCmdlets.Worker.dll\" \"/opt/microsoft/powershell/7\"", plan.Arguments);
            Assert.True(plan.DisableDiagnostics);
        }

        [Fact]
        public void LinuxRuntimeOlderThanEveryBuildFallsBackToTheSessionPwsh()
        {
            LaunchPlan plan = StartPlanner.Plan(Linux(7));
            Assert.Equal(WorkerStartStrategy.Host, plan.Strategy);
            Assert.Equal("/opt/microsoft/powershell/7/pwsh", plan.FileName);
        }

        [Fact]
        public void LinuxModuleWithoutWorkerBuildsFallsBackToTheSessionPwsh()
        {
            StartContext context = Linux();
            context.WorkerTargets.Clear();
            Assert.Equal(WorkerStartStrategy.Host, StartPlanner.Plan(context).Strategy);
        }

        [Fact]
        public void LinuxSelfContainedPwshHasNoMuxerAndRunsItself()
        {
            LaunchPlan plan = StartPlanner.Plan(Linux(muxer: null));
            Assert.Equal(WorkerStartStrategy.Host, plan.Strategy);
            Assert.Equal("/opt/microsoft/powershell/7/pwsh", plan.FileName);
            Assert.StartsWith("-NoLogo -NoProfile -NonInteractive -Command \"Import-Module -Name '/home/u/.local/share/powershell/Modules/ProcCmdlets/0.1.0/ProcCmdlets.dll'; Invoke-ProcCmdletsWorker\"", plan.Arguments);
        }

        [Fact]
        public void LinuxDotnetPwshDllRunsTheSamePwshDll()
        {
            LaunchPlan plan = StartPlanner.Plan(new StartContext
            {
                FrameworkDescription = ".NET 10.0.1", RuntimeMajor = 10, OS = OSFamily.Linux, ProcessPath = "/usr/share/dotnet/dotnet",
                PSHome = "/root/.nuget/packages/powershell/7.6.0/tools/net10.0/any", ModuleDirectory = "/m", ForcedStrategy = "host",
            });
            Assert.Equal(WorkerStartStrategy.Host, plan.Strategy);
            Assert.Equal("/usr/share/dotnet/dotnet", plan.FileName);
            Assert.StartsWith("exec \"/root/.nuget/packages/powershell/7.6.0/tools/net10.0/any/pwsh.dll\" -NoLogo", plan.Arguments);
        }

        [Fact]
        public void MacOSPwsh74OnNet8RunsTheNet8Worker()
        {
            StartContext context = Linux(8, "/usr/local/microsoft/powershell/7/pwsh", "/usr/local/share/dotnet/dotnet");
            context.OS = OSFamily.MacOS;
            LaunchPlan plan = StartPlanner.Plan(context);
            Assert.Equal(WorkerStartStrategy.Engine, plan.Strategy);
            Assert.Contains("/worker/net8.0/ProcCmdlets.Worker.dll", plan.Arguments);
        }

        [Theory]
        [InlineData(8, 8)]
        [InlineData(9, 8)]
        [InlineData(10, 10)]
        public void WindowsPwshOnASharedRuntimeRunsTheMatchingWorker(int runtime, int target)
        {
            LaunchPlan plan = StartPlanner.Plan(Windows(runtime, @"C:\Program Files\PowerShell\7\pwsh.exe"));
            Assert.Equal(WorkerStartStrategy.Engine, plan.Strategy);
            Assert.Equal($"exec \"C:\\Users\\u\\Documents\\PowerShell\\Modules\\ProcCmdlets\\0.1.0\\worker\\net{target}.0\\ProcCmdlets.Worker.dll\" \"C:\\Program Files\\PowerShell\\7\"", plan.Arguments);
        }

        [Fact]
        public void WindowsCustomCoreHostWithoutMuxerRunsThePwshBesideTheEngine()
        {
            LaunchPlan plan = StartPlanner.Plan(Windows(10, @"C:\tools\MyHost.exe", muxer: null));
            Assert.Equal(WorkerStartStrategy.Host, plan.Strategy);
            Assert.Equal(@"C:\Program Files\PowerShell\7\pwsh.exe", plan.FileName);
            Assert.Contains(@"'C:\Users\u\Documents\PowerShell\Modules\ProcCmdlets\0.1.0\ProcCmdlets.dll'", plan.Arguments);
        }

        [Theory]
        [InlineData(@"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")]
        [InlineData(@"C:\Windows\System32\WindowsPowerShell\v1.0\powershell_ise.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")]
        [InlineData(@"C:\Windows\System32\wsmprovhost.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")]
        [InlineData(@"D:\apps\CustomHost.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")]
        public void WindowsPowerShellAlwaysStartsPowershellExeWhateverTheHost(string process, string expected)
        {
            LaunchPlan plan = StartPlanner.Plan(Windows(4, process));
            Assert.Equal(WorkerStartStrategy.Host, plan.Strategy);
            Assert.Equal(expected, plan.FileName);
            Assert.EndsWith("Invoke-ProcCmdletsWorker -SkipByteOrderMark\"", plan.Arguments);
            Assert.True(plan.InputMayStartWithByteOrderMark);
            Assert.False(plan.DisableDiagnostics);
        }

        [Fact]
        public void WindowsPowerShellPlanAddsNothingToTheEnvironmentWhateverItHolds()
        {
            // Touching ProcessStartInfo.Environment is what throws on .NET Framework with TMP and tmp both set.
            LaunchPlan plan = StartPlanner.Plan(Windows(4, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"));
            Assert.False(plan.MayChangeEnvironment);
            Assert.Empty(StartPlanner.EnvironmentFor(plan, _ => null));
        }

        [Fact]
        public void CorePlansAddTheTuningTheSessionDidNotSetAndNameItForRemoval()
        {
            var added = StartPlanner.EnvironmentFor(StartPlanner.Plan(Linux()), name => name == "DOTNET_TieredPGO" ? "1" : null);
            Assert.Contains(("DOTNET_GCgen0size", "0x400000"), added);
            Assert.DoesNotContain(added, v => v.Name == "DOTNET_TieredPGO");
            Assert.Contains(("PROCCMDLETS_UNSET_TUNING", "DOTNET_GCgen0size;"), added);
            Assert.Contains(("DOTNET_EnableDiagnostics", "0"), added);
        }

        [Fact]
        public void WorkerOnASharedRuntimeStartsWithTheSessionRuntimeConfig()
        {
            // pwsh 7.5 on .NET 9 with .NET 8 installed: the net8.0 worker's own file would pick .NET 8,
            // which cannot load an engine built for 9; the session's file picks what the session runs on.
            StartContext context = Windows(9, @"C:\Program Files\PowerShell\7\pwsh.exe");
            context.RuntimeConfig = @"C:\Program Files\PowerShell\7\pwsh.runtimeconfig.json";
            LaunchPlan plan = StartPlanner.Plan(context);
            Assert.Equal(WorkerStartStrategy.Engine, plan.Strategy);
            Assert.Equal(8, plan.WorkerTarget);
            Assert.Equal("exec --runtimeconfig \"C:\\Program Files\\PowerShell\\7\\pwsh.runtimeconfig.json\" \"C:\\Users\\u\\Documents\\PowerShell\\Modules\\ProcCmdlets\\0.1.0\\worker\\net8.0\\ProcCmdlets.Worker.dll\" \"C:\\Program Files\\PowerShell\\7\"", plan.Arguments);
            Assert.Contains(("DOTNET_gcConcurrent", "0"), StartPlanner.EnvironmentFor(plan, _ => null));
        }

        [Fact]
        public void ForcedHostStrategyWinsOverAUsableWorkerBuild()
        {
            StartContext context = Linux();
            context.ForcedStrategy = "Host";
            Assert.Equal(WorkerStartStrategy.Host, StartPlanner.Plan(context).Strategy);
        }

        private static bool Refused(PowerShell ps)
        {
            try
            {
                ps.Invoke();
                return ps.HadErrors;
            }
            catch (RuntimeException)
            {
                return true;
            }
        }

        [Theory]
        [InlineData("net8.0", 8)]
        [InlineData("net10.0", 10)]
        [InlineData("netstandard2.0", null)]
        [InlineData("net472", null)]
        [InlineData("worker", null)]
        public void WorkerBuildFoldersNameTheirRuntime(string folder, int? major)
        {
            Assert.Equal(major, StartPlanner.ParseTarget(folder));
        }

        [Theory]
        [InlineData("Linux")]
        [InlineData("MacOS")]
        [InlineData("Windows")]
        public void BootstrapIsCommandsOnly(string osName)
        {
            OSFamily os = System.Enum.Parse<OSFamily>(osName);
            string bootstrap = StartPlanner.Bootstrap("/m/it's", os, false);
            Assert.DoesNotContain("Add-Type", bootstrap);
            Assert.DoesNotContain("::", bootstrap);
            Assert.Contains("'/m/it''s", bootstrap);
        }

        [Fact]
        public void BootstrapCommandsRunInConstrainedLanguage()
        {
            string dll = typeof(StartPlanner).Assembly.Location;
            string? directory = System.IO.Path.GetDirectoryName(dll);
            Assert.NotNull(directory);

            string bootstrap = StartPlanner.Bootstrap(directory, OSFamilies.Current, false);

            // Everything but the final call, which would take this process's standard input and output.
            string probe = bootstrap.Replace("; Invoke-ProcCmdletsWorker", "; (Get-Command Invoke-ProcCmdletsWorker).Name");
            InitialSessionState state = InitialSessionState.CreateDefault2();
            state.LanguageMode = PSLanguageMode.ConstrainedLanguage;
            using (Runspace runspace = RunspaceFactory.CreateRunspace(state))
            {
                runspace.Open();
                using (PowerShell ps = PowerShell.Create())
                {
                    ps.Runspace = runspace;
                    var result = ps.AddScript(probe).Invoke();
                    Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
                    Assert.Equal("Invoke-ProcCmdletsWorker", result[0].BaseObject);

                    // What the bootstrap replaced is refused there.
                    ps.Commands.Clear();
                    ps.AddScript($"Add-Type -LiteralPath '{dll}'");
                    Assert.True(Refused(ps));
                }
            }
        }
    }
}
