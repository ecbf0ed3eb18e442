using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Pools
{
    /// <summary>A script block a pool runs for many items; defined once on each worker that runs it.</summary>
    internal sealed class PoolTask
    {
        public PoolTask(long id, TaskMode mode, string text, List<KeyValuePair<string, object?>> variables, object?[]? args, PSLanguageMode languageMode)
        {
            Id = id;

            // Encoded now, on the caller's thread, so that a value the channel cannot carry is the caller's error.
            var payload = new PayloadWriter();
            new DefineTask(id, mode, text, variables, args, languageMode).Write(payload);
            Encoded = payload.ToArray();
        }

        public long Id { get; }

        /// <summary>The DefineCode payload sent before the task to each worker, or null when the task needs nothing of the session's.</summary>
        public byte[]? Code { get; set; }

        /// <summary>The DefineTask payload.</summary>
        public byte[] Encoded { get; }
    }
}
