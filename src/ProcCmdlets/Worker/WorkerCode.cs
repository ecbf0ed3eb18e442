using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The session's functions and modules this worker has (DefineCode): a module is imported once, a
    /// function defined again only when its text changed, so a pool's tasks can send what they need
    /// every time at the cost of a comparison.
    /// </summary>
    internal sealed class WorkerCode
    {
        private readonly Dictionary<string, string> _functions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _modules = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private ErrorRecord? _failure;

        /// <summary>Imports and defines what is new; a failure is kept for the script it was sent for.</summary>
        public void Apply(WorkerSession session, DefineCode code)
        {
            var modules = new List<string>();
            foreach (string module in code.Modules)
            {
                if (!_modules.Contains(module))
                {
                    modules.Add(module);
                }
            }

            var functions = new List<CarriedFunction>();
            foreach (CarriedFunction function in code.Functions)
            {
                if (!_functions.TryGetValue(function.Name, out string known) || known != Key(function, code.LanguageMode))
                {
                    functions.Add(function);
                }
            }

            if (modules.Count == 0 && functions.Count == 0)
            {
                return;
            }

            ErrorRecord? failure = Run(session, DefineCode.Script(modules, functions));
            if (failure != null)
            {
                _failure = failure;
                return;
            }

            _modules.UnionWith(modules);
            foreach (CarriedFunction function in functions)
            {
                _functions[function.Name] = Key(function, code.LanguageMode);
            }
        }

        /// <summary>The error of the last DefineCode that failed, once.</summary>
        public ErrorRecord? TakeFailure()
        {
            ErrorRecord? failure = _failure;
            _failure = null;
            return failure;
        }

        // A function keeps the language mode it was defined in, so the same text sent from a session in
        // another mode is defined again.
        private static string Key(CarriedFunction function, PSLanguageMode mode) => mode + (function.IsFilter ? " filter " : " function ") + function.Definition;

        private static ErrorRecord? Run(WorkerSession session, string script)
        {
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = session.Runspace;
                ps.AddScript(script);
                try
                {
                    ps.Invoke();
                }
                catch (RuntimeException e)
                {
                    return WorkerSession.Unwrap(e);
                }

                return ps.Streams.Error.Count > 0 ? ps.Streams.Error[0] : null;
            }
        }
    }
}
