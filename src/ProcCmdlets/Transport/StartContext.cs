using System.Collections.Generic;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Transport
{
    /// <summary>What the start plan depends on: the session's runtime, process and OS, and the module's files.</summary>
    internal sealed class StartContext
    {
        /// <summary>RuntimeInformation.FrameworkDescription, e.g. ".NET 8.0.11" or ".NET Framework 4.8.9032.0".</summary>
        public string? FrameworkDescription { get; set; }

        /// <summary>The runtime's major version (Environment.Version.Major on .NET Core 3 and later; 4 on .NET Framework).</summary>
        public int RuntimeMajor { get; set; }

        public OSFamily OS { get; set; }

        /// <summary>The session's executable (the host: pwsh, powershell, powershell_ise, wsmprovhost, dotnet, ...).</summary>
        public string? ProcessPath { get; set; }

        public string PSHome { get; set; } = string.Empty;

        public string ModuleDirectory { get; set; } = string.Empty;

        /// <summary>The dotnet executable of the session's shared runtime, or null (self-contained, .NET Framework).</summary>
        public string? DotnetMuxer { get; set; }

        /// <summary>
        /// The runtimeconfig.json the session started with (its entry assembly's), or null: a worker
        /// started with it resolves the same runtime and frameworks as the session did.
        /// </summary>
        public string? RuntimeConfig { get; set; }

        /// <summary>Major versions of the bundled worker builds present under <c>worker/net&lt;N&gt;.0/</c>.</summary>
        public IList<int> WorkerTargets { get; set; } = new List<int>();

        /// <summary>Windows PowerShell's powershell.exe (System32\WindowsPowerShell\v1.0).</summary>
        public string WindowsPowerShellPath { get; set; } = string.Empty;

        /// <summary>The value of PROCCMDLETS_WORKER_STRATEGY, if set.</summary>
        public string? ForcedStrategy { get; set; }

        public bool IsNetFramework =>
            FrameworkDescription != null && FrameworkDescription.StartsWith(".NET Framework", System.StringComparison.OrdinalIgnoreCase);
    }
}
