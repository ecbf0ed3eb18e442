using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Pools;
using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Creates pools for New-ProcessPool and for maps that bring their own, and the tasks they run.</summary>
    internal static class PoolFactory
    {
        /// <summary>A task for <paramref name="pool"/>: the script with its $using: values and the caller's preferences.</summary>
        public static PoolTask NewTask(PSCmdlet cmdlet, ProcessPool pool, TaskMode mode, PreparedScript script, object?[]? args, DefineCode? code = null)
        {
            var variables = new List<KeyValuePair<string, object?>>(script.UsingValues);
            variables.AddRange(Preferences.Capture(cmdlet));
            try
            {
                return new PoolTask(pool.Core.NextTaskId(), mode, script.Text, variables, args, cmdlet.SessionState.LanguageMode) { Code = code == null || code.IsEmpty ? null : code.Encode() };
            }
            catch (ValueNotCarriedException e)
            {
                throw cmdlet.Terminate(Errors.NotCarried(e, ErrorCategory.InvalidData, args));
            }
        }

        /// <summary>A new pool as <paramref name="spec"/> says; a terminating error when it cannot start.</summary>
        public static ProcessPool Create(PSCmdlet cmdlet, PoolSpec spec)
        {
            ScriptBlock? init = spec.Initialization;
            object?[]? initArgs = spec.InitializationArguments;
            var setup = new WorkerSetup { WorkingDirectory = cmdlet.SessionState.Path.CurrentFileSystemLocation?.ProviderPath };
            setup.Variables.AddRange(Preferences.Capture(cmdlet));
            PreparedScript? initScript = init == null ? null : PreparedScript.FromCaller(init, cmdlet);
            if (initScript != null)
            {
                setup.Variables.AddRange(initScript.UsingValues);
            }

            // The session's functions and modules go first in the initialization script, which runs once per worker.
            DefineCode code = SessionCode.Resolve(cmdlet, new[] { init }, spec.Functions, spec.Modules);
            string? initText = initScript?.Text;
            if (!code.IsEmpty)
            {
                initText = DefineCode.Script(code.Modules, code.Functions) + (initText == null ? string.Empty : ". {\n" + initText + "\n} @args");
            }

            try
            {
                return new ProcessPool(spec.Name, spec.ProcessCount, spec.MaxTasksPerWorker, setup, initText, initArgs, spec.Transports, cmdlet.SessionState.LanguageMode);
            }
            catch (ValueNotCarriedException e)
            {
                throw cmdlet.Terminate(Errors.NotCarried(e, ErrorCategory.InvalidData, initArgs));
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                throw cmdlet.Terminate(Errors.WorkerStartFailed(e, spec.Name));
            }
        }
    }
}
