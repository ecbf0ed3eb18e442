using System;
using System.Management.Automation;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Session to worker: run one script block once (Start-WorkerProcess). Its input, when it has
    /// any, follows in Input frames and ends with InputEnd; the worker answers with records and
    /// ScriptDone, then exits. Both scripts run in the language mode of the session that started it.
    /// </summary>
    internal sealed class RunScript
    {
        public RunScript(WorkerSetup setup, string script, string? initScript, object?[]? args, bool hasInput, PSLanguageMode languageMode)
        {
            LanguageMode = languageMode;
            Setup = setup;
            Script = script;
            InitScript = initScript;
            Args = args ?? Array.Empty<object?>();
            HasInput = hasInput;
        }

        public WorkerSetup Setup { get; }

        public string Script { get; }

        public string? InitScript { get; }

        public object?[] Args { get; }

        public bool HasInput { get; }

        public PSLanguageMode LanguageMode { get; }

        public void Write(PayloadWriter w)
        {
            Setup.Write(w);
            w.WriteString(Script);
            w.WriteString(InitScript);
            WorkerSetup.WriteValues(w, Args);
            w.WriteBool(HasInput);
            w.WriteByte((byte)LanguageMode);
        }

        public static RunScript Read(PayloadReader r) =>
            new RunScript(WorkerSetup.Read(r), r.ReadRequiredString(), r.ReadString(), WorkerSetup.ReadValues(r), r.ReadBool(), (PSLanguageMode)r.ReadByte());
    }
}
