using System;
namespace ProcCmdlets.Transport
{
    /// <summary>The program and arguments that start a local worker: paths only, never a script.</summary>
    internal sealed class LaunchPlan
    {
        public LaunchPlan(WorkerStartStrategy strategy, string fileName, string arguments)
        {
            Strategy = strategy;
            FileName = fileName;
            Arguments = arguments;
        }

        public WorkerStartStrategy Strategy { get; }

        public string FileName { get; }

        public string Arguments { get; }

        /// <summary>Whether the start sets DOTNET_EnableDiagnostics=0 (a .NET Core worker; never on .NET Framework).</summary>
        public bool DisableDiagnostics { get; set; }

        /// <summary>The session's runtime may write a byte-order mark before the first frame (.NET Framework): the worker is told to skip one.</summary>
        public bool InputMayStartWithByteOrderMark { get; set; }

        /// <summary>
        /// Whether the start may add variables to the worker's environment. Not on .NET Framework:
        /// its ProcessStartInfo.Environment throws "Item has already been added" on names that differ
        /// only in case (TMP and tmp under Git Bash, MSYS2, Cygwin).
        /// </summary>
        public bool MayChangeEnvironment { get; set; } = true;

        /// <summary>Variables the start sets in addition to <see cref="Channel.Protocol.LaunchContract.RuntimeTuning"/>.</summary>
        public (string Name, string Value)[] ExtraTuning { get; set; } = Array.Empty<(string Name, string Value)>();

        /// <summary>The bundled worker build's major .NET version (the Engine strategy).</summary>
        public int? WorkerTarget { get; set; }
    }
}
