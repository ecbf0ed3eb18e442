using System.IO;
using System.Reflection;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// The first frame a worker sends: who it is and which protocol it speaks. A process that
    /// answers with anything else is not a ProcCmdlets worker of this version, and the session
    /// says so instead of reading garbage.
    /// </summary>
    internal sealed class Hello
    {
        /// <summary>"PCMW" in little-endian order.</summary>
        public const uint Magic = 0x574D4350;

        /// <summary>Raised whenever a frame's layout or meaning changes.</summary>
        public const int CurrentProtocolVersion = 4;

        public Hello(int protocolVersion, string moduleVersion, string engineVersion, int processId)
        {
            ProtocolVersion = protocolVersion;
            ModuleVersion = moduleVersion;
            EngineVersion = engineVersion;
            ProcessId = processId;
        }

        public int ProtocolVersion { get; }

        public string ModuleVersion { get; }

        public string EngineVersion { get; }

        public int ProcessId { get; }

        /// <summary>
        /// The build of this assembly, which both ends of a channel must share: its version and the
        /// MVID the compiler gives each build (the builds are deterministic, so the same sources give the
        /// same MVID and any change gives another), since the assembly version is the same for every build.
        /// </summary>
        public static string ThisModuleVersion { get; } = BuildIdentity(typeof(Hello).Assembly);

        public static string BuildIdentity(Assembly assembly) =>
            (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version.ToString())
            + " build " + assembly.ManifestModule.ModuleVersionId.ToString("N");

        public static Hello ForThisProcess(string engineVersion, int processId) =>
            new Hello(CurrentProtocolVersion, ThisModuleVersion, engineVersion, processId);

        public void Write(PayloadWriter w)
        {
            w.WriteInt64(Magic);
            w.WriteVarUInt((ulong)ProtocolVersion);
            w.WriteString(ModuleVersion);
            w.WriteString(EngineVersion);
            w.WriteVarUInt((ulong)ProcessId);
        }

        /// <exception cref="InvalidDataException">The payload does not start with the magic number.</exception>
        public static Hello Read(PayloadReader r)
        {
            if (r.Remaining < 8 || (ulong)r.ReadInt64() != Magic)
            {
                throw new InvalidDataException("The process did not greet as a ProcCmdlets worker.");
            }

            return new Hello((int)r.ReadVarUInt(), r.ReadRequiredString(), r.ReadRequiredString(), (int)r.ReadVarUInt());
        }

        /// <summary>Why a session of this version cannot talk to this worker, or null when it can.</summary>
        public string? Mismatch()
        {
            if (ProtocolVersion != CurrentProtocolVersion)
            {
                return $"the worker speaks channel protocol {ProtocolVersion}, the session {CurrentProtocolVersion}";
            }

            if (ModuleVersion != ThisModuleVersion)
            {
                return $"the worker runs ProcCmdlets {ModuleVersion}, the session {ThisModuleVersion}";
            }

            return null;
        }
    }
}
