using System;
using System.Management.Automation;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Session to worker, first for a pool worker: its setup, then the pool's initialization script
    /// and its arguments, and the language mode of the session that made the pool, which the script
    /// runs in. The worker answers InitDone. The script part is the same for every worker of a pool,
    /// so it is encoded once (<see cref="EncodeScript"/>).
    /// </summary>
    internal sealed class PoolInit
    {
        public PoolInit(WorkerSetup setup, string? initScript, object?[]? initArgs, PSLanguageMode languageMode)
        {
            Setup = setup;
            InitScript = initScript;
            InitArgs = initArgs ?? Array.Empty<object?>();
            LanguageMode = languageMode;
        }

        public WorkerSetup Setup { get; }

        public string? InitScript { get; }

        public object?[] InitArgs { get; }

        public PSLanguageMode LanguageMode { get; }

        public static byte[] EncodeScript(string? initScript, object?[]? initArgs, PSLanguageMode languageMode)
        {
            var w = new PayloadWriter();
            w.WriteString(initScript);
            WorkerSetup.WriteValues(w, initArgs);
            w.WriteByte((byte)languageMode);
            return w.ToArray();
        }

        public static void Write(PayloadWriter w, WorkerSetup setup, byte[] encodedScript)
        {
            setup.Write(w);
            w.WriteRaw(encodedScript);
        }

        public static PoolInit Read(PayloadReader r) =>
            new PoolInit(WorkerSetup.Read(r), r.ReadString(), WorkerSetup.ReadValues(r), (PSLanguageMode)r.ReadByte());
    }
}
