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
    }
}
