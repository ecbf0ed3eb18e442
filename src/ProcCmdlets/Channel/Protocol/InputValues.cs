using System.Collections.Generic;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>Session to worker: pipeline input for a RunScript (the Input frame); InputEnd, with no payload, ends it.</summary>
    internal static class InputValues
    {
        public static void Write(PayloadWriter w, IReadOnlyCollection<object?> values) => WorkerSetup.WriteValues(w, values);

        /// <summary>Writes one value, so a value that cannot be carried fails before anything is sent.</summary>
        public static void WriteOne(PayloadWriter w, object? value)
        {
            w.WriteVarUInt(1);
            ValueCodec.Write(w, value);
        }

        public static object?[] Read(PayloadReader r) => WorkerSetup.ReadValues(r);
    }
}
