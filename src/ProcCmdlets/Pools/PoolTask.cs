using System.Collections.Generic;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Pools
{
    /// <summary>A script block a pool runs for many items; defined once on each worker that runs it.</summary>
    internal sealed class PoolTask
    {
        public PoolTask(long id, TaskMode mode, string text, List<KeyValuePair<string, object>> variables, object[] args)
        {
            Id = id;
            Mode = mode;
            Text = text;
            Variables = variables;
            Args = args ?? new object[0];

            // Encoded now, on the caller's thread, so that a value the channel cannot carry is the caller's error.
            var payload = new PayloadWriter();
            payload.WriteVarUInt((ulong)Id);
            payload.WriteByte((byte)Mode);
            payload.WriteString(Text);
            WorkerSetup.WriteVariables(payload, Variables);
            WorkerSetup.WriteValues(payload, Args);
            Encoded = payload.ToArray();
        }

        /// <summary>The DefineTask payload.</summary>
        public byte[] Encoded { get; }

        public long Id { get; }

        public TaskMode Mode { get; }

        public string Text { get; }

        public List<KeyValuePair<string, object>> Variables { get; }

        public object[] Args { get; }

        public void Write(PayloadWriter w) => w.WriteRaw(Encoded);
    }

    /// <summary>Items sent to one worker at a time.</summary>
    internal sealed class Chunk
    {
        public Chunk(long id, PoolRun run, long[] sequence, object[] items, byte[][] encoded)
        {
            Id = id;
            Run = run;
            Sequence = sequence;
            Items = items;
            Encoded = encoded;
        }

        /// <summary>Each item as the channel carries it, encoded once when it was queued.</summary>
        public byte[][] Encoded { get; }

        public long Id { get; }

        public PoolRun Run { get; }

        /// <summary>Each item's number within its run.</summary>
        public long[] Sequence { get; }

        public object[] Items { get; }

        /// <summary>How many items, from the first, have finished.</summary>
        public int Done { get; set; }

        public bool Started { get; set; }

        public System.DateTime StartedAt { get; set; }

        /// <summary>When the item now running began (the chunk's start or the previous item's end).</summary>
        public System.DateTime ItemStartedAt { get; set; }

        /// <summary>An item already answered with an error (timeout) whose worker is being killed.</summary>
        public int AbandonedIndex { get; set; } = -1;
    }
}
