using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// The session's functions and modules a worker's scripts call [spawn re-imports __main__]: each
    /// command name the scripts use (<see cref="CommandAnalysis"/>) is resolved as the caller would
    /// resolve it now; a function or filter defined in a script is carried with the functions it
    /// calls in turn, a command of a module loaded from a file brings that file.
    /// </summary>
    internal sealed class SessionCode
    {
        private const CommandTypes Looked = CommandTypes.Alias | CommandTypes.Function | CommandTypes.Filter | CommandTypes.Cmdlet;
        private const string AutoLoading = "PSModuleAutoLoadingPreference";
        private static readonly char[] PathSeparators = { '/', '\\' };

        private readonly PSCmdlet _cmdlet;
        private readonly DefineCode _code = new DefineCode();
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _modules = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly string? _psHome;

        private SessionCode(PSCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
            _psHome = cmdlet.SessionState.PSVariable.GetValue("PSHOME") as string;
        }

        /// <summary>
        /// What the scripts need, plus the functions and modules named by -Function and -Module; a
        /// terminating error on the cmdlet, naming it, for what cannot be carried.
        /// </summary>
        public static DefineCode Resolve(PSCmdlet cmdlet, IEnumerable<ScriptBlock?> scripts, string[]? functions, string[]? modules)
        {
            var resolver = new SessionCode(cmdlet);
            resolver._code.LanguageMode = cmdlet.SessionState.LanguageMode;
            foreach (string module in modules ?? Array.Empty<string>())
            {
                resolver.AddNamedModule(module);
            }

            // A name that is not defined would make the engine search every module on disk for it
            // (tens of milliseconds each); only what the session has loaded matters here.
            using (new AutoLoadingOff(cmdlet.SessionState))
            {
                foreach (string name in functions ?? Array.Empty<string>())
                {
                    resolver.Add(name, explicitly: true);
                }

                foreach (ScriptBlock? script in scripts)
                {
                    if (script != null)
                    {
                        resolver.AddCalls(script.Ast);
                    }
                }
            }

            return resolver._code;
        }

        private void AddCalls(System.Management.Automation.Language.Ast ast)
        {
            foreach (string name in CommandAnalysis.CommandNames(ast))
            {
                Add(name, explicitly: false);
            }
        }

        private void Add(string name, bool explicitly)
        {
            if (!_names.Add(name))
            {
                return;
            }

            CommandInfo? command = Lookup(name);
            for (int depth = 0; command is AliasInfo alias && depth < 8; depth++)
            {
                command = alias.ResolvedCommand ?? Lookup(alias.Definition);
            }

            if (command is FunctionInfo function)
            {
                if (function.ScriptBlock.Module == null && function.Module == null)
                {
                    _code.Functions.Add(new CarriedFunction(function.Name, function is FilterInfo, function.Definition));
                    _names.Add(function.Name);
                    AddCalls(function.ScriptBlock.Ast);
                    return;
                }

                AddModule(function.Module ?? function.ScriptBlock.Module, name, mustCarry: true);
            }
            else if (command is CmdletInfo cmdlet)
            {
                AddModule(cmdlet.Module, name, mustCarry: explicitly);
            }
            else if (explicitly)
            {
                Fail(name, command == null ? "no function or command of that name is defined in this session." : $"it is a {command.CommandType}, not a function.");
            }
        }

        private CommandInfo? Lookup(string name)
        {
            try
            {
                return _cmdlet.SessionState.InvokeCommand.GetCommand(name, Looked);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                return null;
            }
        }

        private void AddModule(PSModuleInfo? module, string command, bool mustCarry, bool named = false)
        {
            if (module == null)
            {
                if (mustCarry)
                {
                    Fail(command, "it belongs to no module file.");
                }

                return;
            }

            string? path = module.ModuleType == ModuleType.Manifest || module.ModuleType == ModuleType.Script || module.ModuleType == ModuleType.Binary
                ? module.Path : null;
            if (path == null || path.Length == 0 || !File.Exists(path))
            {
                // Built-in commands (a snap-in's, the engine's own) are in every worker already.
                if (mustCarry)
                {
                    Fail(command, $"it is defined in the module '{module.Name}', which was not loaded from a file (a dynamic module).");
                }

                return;
            }

            // A module that comes with PowerShell loads in a worker on its own when a command of it runs.
            if (!named && _psHome != null && path.StartsWith(_psHome.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            // The manifest, when there is one, so that the worker loads what it lists too.
            string manifest = Path.Combine(module.ModuleBase ?? string.Empty, module.Name + ".psd1");
            if (!path.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase) && File.Exists(manifest))
            {
                path = manifest;
            }

            if (_modules.Add(path))
            {
                _code.Modules.Add(path);
            }
        }

        private void AddNamedModule(string module)
        {
            if (string.IsNullOrWhiteSpace(module))
            {
                return;
            }

            bool isPath = module.IndexOfAny(PathSeparators) >= 0 || module.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase)
                || module.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase) || module.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
            string entry = module;
            if (isPath)
            {
                entry = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(module);
                if (!File.Exists(entry) && !Directory.Exists(entry))
                {
                    Fail(module, $"the module file '{entry}' does not exist.");
                }
            }

            // A module the session has loaded is imported from the same file; another name is imported
            // by name in the worker, from its PSModulePath.
            if (!isPath)
            {
                PSModuleInfo? loaded = LoadedModule(module);
                if (loaded != null && !string.IsNullOrEmpty(loaded.Path) && File.Exists(loaded.Path))
                {
                    AddModule(loaded, module, mustCarry: false, named: true);
                    return;
                }
            }

            if (_modules.Add(entry))
            {
                _code.Modules.Add(entry);
            }
        }

        private PSModuleInfo? LoadedModule(string name)
        {
            try
            {
                foreach (PSObject found in _cmdlet.SessionState.InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($n) Get-Module -Name $n"), null, name))
                {
                    if (found?.BaseObject is PSModuleInfo info)
                    {
                        return info;
                    }
                }
            }
            catch (RuntimeException)
            {
                // Get-Module failed (a constrained session): the name is imported by name in the worker.
            }

            return null;
        }

        private void Fail(string name, string reason) => _cmdlet.ThrowTerminatingError(Errors.CommandNotCarried(name, reason));

        /// <summary>Turns module auto-loading off in the caller's scope for the lookups, and back as it was.</summary>
        private sealed class AutoLoadingOff : IDisposable
        {
            private readonly SessionState _state;
            private readonly PSVariable? _local;
            private readonly object? _before;
            private readonly bool _created;

            public AutoLoadingOff(SessionState state)
            {
                _state = state;
                try
                {
                    _local = state.PSVariable.Get("local:" + AutoLoading);
                    if (_local != null)
                    {
                        _before = _local.Value;
                        _local.Value = PSModuleAutoLoadingPreference.None;
                    }
                    else
                    {
                        state.PSVariable.Set("local:" + AutoLoading, PSModuleAutoLoadingPreference.None);
                        _created = true;
                    }
                }
                catch (SessionStateException)
                {
                    // A constant or read-only preference: lookups then load modules as they would anyway.
                    _local = null;
                }
            }

            public void Dispose()
            {
                try
                {
                    if (_created)
                    {
                        _state.PSVariable.Remove("local:" + AutoLoading);
                    }
                    else if (_local != null)
                    {
                        _local.Value = _before;
                    }
                }
                catch (SessionStateException)
                {
                    // The preference was made constant meanwhile: it stays as the lookups left it.
                }
            }
        }
    }
}
