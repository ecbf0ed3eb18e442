namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>What a worker process finds in its environment when the session starts it.</summary>
    internal static class LaunchContract
    {
        /// <summary>Forces a start strategy ("Host" runs the session's own pwsh) for tests and diagnosis.</summary>
        public const string StrategyVariable = "PROCCMDLETS_WORKER_STRATEGY";

        /// <summary>.NET's switch for the debugger and diagnostics endpoints, which a worker does not need.</summary>
        public const string DiagnosticsVariable = "DOTNET_EnableDiagnostics";

        /// <summary>Set when the session added <see cref="DiagnosticsVariable"/>: the worker removes both, so its children do not inherit them.</summary>
        public const string UnsetDiagnosticsVariable = "PROCCMDLETS_UNSET_DIAGNOSTICS";

        /// <summary>
        /// .NET settings a worker starts with unless the session's environment sets them: no profile-guided
        /// re-compiling competing with the work for a core, and a 4 MB first-generation budget, which kept a
        /// worker that had run a CPU-bound loop at 104-114 MB resident instead of 176-187 MB.
        /// </summary>
        public static readonly (string Name, string Value)[] RuntimeTuning =
        {
            ("DOTNET_TieredPGO", "0"),
            ("DOTNET_GCgen0size", "0x400000"),
        };

        /// <summary>Names the <see cref="RuntimeTuning"/> variables the session added (separated by ';'): the worker removes them, so its children do not inherit them.</summary>
        public const string UnsetTuningVariable = "PROCCMDLETS_UNSET_TUNING";
    }
}
