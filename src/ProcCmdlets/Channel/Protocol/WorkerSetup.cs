using System.Collections.Generic;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>What a worker is told to do before it runs scripts: where, with which environment and preferences.</summary>
    internal sealed class WorkerSetup
    {
        public string? WorkingDirectory { get; set; }

        public List<KeyValuePair<string, string?>> Environment { get; } = new List<KeyValuePair<string, string?>>();

        public List<KeyValuePair<string, object?>> Variables { get; } = new List<KeyValuePair<string, object?>>();

        public void Write(PayloadWriter w)
        {
            w.WriteString(WorkingDirectory);
            w.WriteVarUInt((ulong)Environment.Count);
            foreach (var pair in Environment)
            {
                w.WriteString(pair.Key);
                w.WriteString(pair.Value);
            }

            WriteVariables(w, Variables);
        }

        public static WorkerSetup Read(PayloadReader r)
        {
            var setup = new WorkerSetup { WorkingDirectory = r.ReadString() };
            int count = r.ReadCount();
            for (int i = 0; i < count; i++)
            {
                setup.Environment.Add(new KeyValuePair<string, string?>(r.ReadRequiredString(), r.ReadString()));
            }

            setup.Variables.AddRange(ReadVariables(r));
            return setup;
        }

        public static void WriteVariables(PayloadWriter w, IReadOnlyCollection<KeyValuePair<string, object?>> variables)
        {
            w.WriteVarUInt((ulong)variables.Count);
            foreach (var pair in variables)
            {
                w.WriteString(pair.Key);
                ValueCodec.Write(w, pair.Value);
            }
        }

        public static List<KeyValuePair<string, object?>> ReadVariables(PayloadReader r)
        {
            int count = r.ReadCount();
            var variables = new List<KeyValuePair<string, object?>>(count);
            for (int i = 0; i < count; i++)
            {
                variables.Add(new KeyValuePair<string, object?>(r.ReadRequiredString(), ValueCodec.Read(r)));
            }

            return variables;
        }

        public static void WriteValues(PayloadWriter w, IReadOnlyCollection<object?>? values)
        {
            w.WriteVarUInt((ulong)(values?.Count ?? 0));
            if (values != null)
            {
                foreach (object? value in values)
                {
                    ValueCodec.Write(w, value);
                }
            }
        }

        public static object?[] ReadValues(PayloadReader r)
        {
            var values = new object?[r.ReadCount()];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = ValueCodec.Read(r);
            }

            return values;
        }
    }
}
