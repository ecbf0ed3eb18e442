using System;
using System.Management.Automation;
using System.Reflection;

namespace ProcCmdlets.Channel
{
    /// <summary>Writes and reads the records of PowerShell's streams other than output.</summary>
    internal static class RecordCodec
    {
        public static void WriteError(PayloadWriter w, ErrorRecord record, bool includeTarget)
        {
            Exception exception = record.Exception;
            var remote = exception as WorkerScriptException;
            w.WriteString(remote?.WorkerExceptionType ?? exception?.GetType().FullName);
            w.WriteString(exception?.Message);
            w.WriteString(record.FullyQualifiedErrorId);
            w.WriteVarInt((int)record.CategoryInfo.Category);
            w.WriteString(record.CategoryInfo.Activity);
            w.WriteString(record.CategoryInfo.Reason);
            w.WriteString(record.CategoryInfo.TargetName);
            w.WriteString(record.CategoryInfo.TargetType);
            w.WriteString(record.ScriptStackTrace);
            w.WriteString(record.InvocationInfo?.PositionMessage);
            w.WriteString(record.ErrorDetails?.Message);
            w.WriteString(record.ErrorDetails?.RecommendedAction);
            int mark = w.Length;
            try
            {
                ValueCodec.Write(w, includeTarget ? record.TargetObject : null);
            }
            catch (ValueNotCarriedException)
            {
                w.Truncate(mark);
                ValueCodec.Write(w, record.TargetObject?.ToString());
            }
        }

        public static ErrorRecord ReadError(PayloadReader r, object? targetOverride, bool useOverride)
        {
            string? typeName = r.ReadString();
            string? message = r.ReadString();
            string? errorId = r.ReadString();
            var category = (ErrorCategory)(int)r.ReadVarInt();
            string? activity = r.ReadString();
            string? reason = r.ReadString();
            string? targetName = r.ReadString();
            string? targetType = r.ReadString();
            string? stackTrace = r.ReadString();
            string? position = r.ReadString();
            string? details = r.ReadString();
            string? action = r.ReadString();
            object? target = ValueCodec.Read(r);
            if (useOverride)
            {
                target = targetOverride;
            }

            var exception = new WorkerScriptException(message, typeName, stackTrace, position);
            var record = new ErrorRecord(exception, errorId, category, target);
            record.CategoryInfo.Activity = activity;
            record.CategoryInfo.Reason = reason;
            record.CategoryInfo.TargetName = targetName;
            record.CategoryInfo.TargetType = targetType;
            if (details != null)
            {
                record.ErrorDetails = new ErrorDetails(details) { RecommendedAction = action };
            }

            ScriptStackTraceSetter.Set(record, stackTrace);

            // Written to the session's pipeline, the record keeps the worker's id: the engine would
            // otherwise append the name of the cmdlet that relays it. The module's own errors made in
            // a worker (ValueNotCarried) get that name, as the same errors made in the session do.
            if (typeName == null || !typeName.StartsWith("ProcCmdlets.", StringComparison.Ordinal))
            {
                PreserveInvocationInfo?.SetValue(record, true);
            }
            return record;
        }

        public static void WriteInformation(PayloadWriter w, InformationRecord record)
        {
            if (record.MessageData is HostInformationMessage host)
            {
                w.WriteByte(1);
                w.WriteString(host.Message);
                w.WriteBool(host.NoNewLine == true);
                w.WriteVarInt(host.ForegroundColor.HasValue ? (int)host.ForegroundColor.Value : -1);
                w.WriteVarInt(host.BackgroundColor.HasValue ? (int)host.BackgroundColor.Value : -1);
            }
            else
            {
                w.WriteByte(0);
                int mark = w.Length;
                try
                {
                    ValueCodec.Write(w, record.MessageData);
                }
                catch (ValueNotCarriedException)
                {
                    w.Truncate(mark);
                    ValueCodec.Write(w, record.MessageData?.ToString());
                }
            }

            w.WriteString(record.Source);
            w.WriteInt64(record.TimeGenerated.ToBinary());
            w.WriteVarUInt((ulong)record.Tags.Count);
            foreach (string tag in record.Tags)
            {
                w.WriteString(tag);
            }

            w.WriteString(record.User);
            w.WriteString(record.Computer);
            w.WriteVarUInt(record.ProcessId);
        }

        public static InformationRecord ReadInformation(PayloadReader r)
        {
            object? data;
            if (r.ReadByte() == 1)
            {
                var host = new HostInformationMessage { Message = r.ReadString(), NoNewLine = r.ReadBool() };
                int fg = (int)r.ReadVarInt();
                int bg = (int)r.ReadVarInt();
                if (fg >= 0)
                {
                    host.ForegroundColor = (ConsoleColor)fg;
                }

                if (bg >= 0)
                {
                    host.BackgroundColor = (ConsoleColor)bg;
                }

                data = host;
            }
            else
            {
                data = ValueCodec.Read(r);
            }

            var record = new InformationRecord(data, r.ReadString());
            record.TimeGenerated = DateTime.FromBinary(r.ReadInt64());
            int tags = r.ReadCount();
            for (int i = 0; i < tags; i++)
            {
                record.Tags.Add(r.ReadString());
            }

            record.User = r.ReadString();
            record.Computer = r.ReadString();
            record.ProcessId = (uint)r.ReadVarUInt();
            return record;
        }

        public static void WriteProgress(PayloadWriter w, ProgressRecord record)
        {
            w.WriteVarInt(record.ActivityId);
            w.WriteVarInt(record.ParentActivityId);
            w.WriteString(record.Activity);
            w.WriteString(record.StatusDescription);
            w.WriteString(record.CurrentOperation);
            w.WriteVarInt(record.PercentComplete);
            w.WriteVarInt(record.SecondsRemaining);
            w.WriteByte((byte)record.RecordType);
        }

        public static ProgressRecord ReadProgress(PayloadReader r)
        {
            int id = (int)r.ReadVarInt();
            int parent = (int)r.ReadVarInt();
            string? activity = r.ReadString();
            string? status = r.ReadString();
            var record = new ProgressRecord(id, string.IsNullOrEmpty(activity) ? " " : activity, string.IsNullOrEmpty(status) ? " " : status)
            {
                ParentActivityId = parent,
                CurrentOperation = r.ReadString(),
                PercentComplete = (int)r.ReadVarInt(),
                SecondsRemaining = (int)r.ReadVarInt(),
                RecordType = (ProgressRecordType)r.ReadByte(),
            };
            return record;
        }

        /// <summary>ErrorRecord.ScriptStackTrace has no public setter; the engine's internal one is used where present.</summary>
        private static readonly PropertyInfo? PreserveInvocationInfo = typeof(ErrorRecord).GetProperty(
            "PreserveInvocationInfoOnce", BindingFlags.Instance | BindingFlags.NonPublic);

        private static class ScriptStackTraceSetter
        {
            private static readonly MethodInfo? Method = typeof(ErrorRecord).GetMethod(
                "SetScriptStackTrace", BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(string) }, null);

            private static readonly FieldInfo? Field = Method == null
                ? typeof(ErrorRecord).GetField("_scriptStackTrace", BindingFlags.Instance | BindingFlags.NonPublic)
                : null;

            public static void Set(ErrorRecord record, string? value)
            {
                if (value == null)
                {
                    return;
                }

                try
                {
                    if (Method != null)
                    {
                        Method.Invoke(record, new object[] { value });
                    }
                    else
                    {
                        Field?.SetValue(record, value);
                    }
                }
                catch (TargetInvocationException)
                {
                }
            }
        }
    }
}
