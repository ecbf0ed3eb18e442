using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Session to worker: a script block that chunks will run, sent once to each worker before its
    /// first chunk; the variables ($using: values, preferences) are set in the worker's global scope.
    /// Its chunks run in the language mode of the session that defined it.
    /// </summary>
    internal sealed class DefineTask
    {
        public DefineTask(long id, TaskMode mode, string script, List<KeyValuePair<string, object?>>? variables, object?[]? args, PSLanguageMode languageMode)
        {
            LanguageMode = languageMode;
            Id = id;
            Mode = mode;
            Script = script;
            Variables = variables ?? new List<KeyValuePair<string, object?>>();
            Args = args ?? Array.Empty<object?>();
        }

        public long Id { get; }

        public TaskMode Mode { get; }

        public string Script { get; }

        public List<KeyValuePair<string, object?>> Variables { get; }

        public object?[] Args { get; }

        public PSLanguageMode LanguageMode { get; }

        public void Write(PayloadWriter w)
        {
            w.WriteVarUInt((ulong)Id);
            w.WriteByte((byte)Mode);
            w.WriteString(Script);
            WorkerSetup.WriteVariables(w, Variables);
            WorkerSetup.WriteValues(w, Args);
            w.WriteByte((byte)LanguageMode);
        }

        public static DefineTask Read(PayloadReader r) =>
            new DefineTask((long)r.ReadVarUInt(), (TaskMode)r.ReadByte(), r.ReadRequiredString(), WorkerSetup.ReadVariables(r), WorkerSetup.ReadValues(r), (PSLanguageMode)r.ReadByte());
    }
}
