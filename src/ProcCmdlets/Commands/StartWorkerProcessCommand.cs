using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Records;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Commands
{
    /// <summary>Starts one worker process running a script block and returns it at once [Process(target).start()].</summary>
    [Cmdlet(VerbsLifecycle.Start, "WorkerProcess", DefaultParameterSetName = "Local")]
    [OutputType(typeof(WorkerProcess))]
    public sealed class StartWorkerProcessCommand : SshCmdletBase
    {
        private WorkerProcess? _worker;
        private readonly PayloadWriter _input = new PayloadWriter();

        /// <summary>The script block to run in the worker process.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        /// <summary>Values passed to the script block as positional arguments, in order, as Python's <c>args=(...)</c>.</summary>
        [Parameter]
        [Alias("Args")]
        public object[]? ArgumentList { get; set; }

        /// <summary>An object to send to the script block's input.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>A friendly name for the worker, used by the <c>-Name</c> parameters of the other <c>*-WorkerProcess</c> cmdlets and by <c>Get-Job -Name</c>.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>A script block that runs in the worker before <c>-ScriptBlock</c>, in the same global scope, so the functions and variables it defines are visible to the script block.</summary>
        [Parameter]
        public ScriptBlock? InitializationScript { get; set; }

        /// <summary>The directory the worker starts in, both as its process working directory and as its PowerShell location.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkingDirectory { get; set; }

        /// <summary>Environment variables to set in the worker, as name-value pairs.</summary>
        [Parameter]
        public Hashtable? Environment { get; set; }

        /// <summary>Names of session functions (or filters) to define in the worker before its scripts run, in addition to those the script block calls by name, which are carried without being named.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Function { get; set; }

        /// <summary>Modules to import in the worker before its scripts run, in addition to those whose commands the script block calls by name: a module's name (imported from the worker's <c>PSModulePath</c>, or from the file the session loaded it from) or the path of a <c>.psd1</c>, <c>.psm1</c> or <c>.dll</c> file.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Module { get; set; }

        /// <summary>A host to run the worker on over SSH, <c>[user@]host[:port]</c>.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        [ValidateSshHostEntry]
        public string? HostName { get; set; }

        /// <summary>Starts the worker (the warm spare when there is one), sends it the script and writes the <see cref="WorkerProcess"/>.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();

            // On another host the folder is the host's, not checked here; it starts in the login folder by default.
            string? directory = HostName != null ? WorkingDirectory : ResolveWorkingDirectory();
            PreparedScript script = PreparedScript.FromCaller(ScriptBlock, this);
            PreparedScript? init = InitializationScript == null ? null : PreparedScript.FromCaller(InitializationScript, this);
            DefineCode code = SessionCode.Resolve(this, new[] { InitializationScript, ScriptBlock }, Function, Module);
            WorkerSetup setup = NewSetup(directory, script, init);

            // Everything is encoded before a process is taken, so a value that cannot be carried costs no worker.
            bool hasInput = MyInvocation.ExpectingInput || MyInvocation.BoundParameters.ContainsKey(nameof(InputObject));
            var request = new RunScript(setup, script.Text, init?.Text, ArgumentList, hasInput, SessionState.LanguageMode);
            try
            {
                request.Write(new PayloadWriter());
            }
            catch (ValueNotCarriedException e)
            {
                throw this.Terminate(Errors.NotCarried(e, ErrorCategory.InvalidData, ArgumentList));
            }

            _worker = new WorkerProcess(ScriptBlock.ToString(), Name, Connect(setup));
            if (Name == null)
            {
                _worker.Name = "Worker" + _worker.Id;
            }

            var payload = new PayloadWriter();
            if (!code.IsEmpty)
            {
                code.Write(payload);
                _worker.Send(FrameKind.DefineCode, payload);
                payload = new PayloadWriter();
            }

            request.Write(payload);
            _worker.Send(FrameKind.RunScript, payload);

            ProcCmdletsJobSourceAdapter.Register(this, _worker);
            Registry.Add(_worker);
            WorkerSpare.Replenish(Preferences.WarmSpareEnabled(SessionState), SharedDispatcher.Session);
            WriteObject(_worker);
        }

        /// <summary>Sends the worker each input object, when there is input.</summary>
        protected override void ProcessRecord()
        {
            if (_worker == null || !(MyInvocation.ExpectingInput || MyInvocation.BoundParameters.ContainsKey(nameof(InputObject))))
            {
                return;
            }

            _input.Reset();
            try
            {
                InputValues.WriteOne(_input, InputObject);
            }
            catch (ValueNotCarriedException e)
            {
                WriteError(Errors.NotCarried(e, ErrorCategory.InvalidData, InputObject));
                return;
            }

            _worker.Send(FrameKind.Input, _input);
        }

        /// <summary>Tells the worker its input has ended.</summary>
        protected override void EndProcessing()
        {
            _worker?.Send(FrameKind.InputEnd, new PayloadWriter());
        }

        /// <summary>Where the worker starts, its environment and variables (the caller's preferences and the scripts' $using: values).</summary>
        private WorkerSetup NewSetup(string? directory, PreparedScript script, PreparedScript? init)
        {
            var setup = new WorkerSetup { WorkingDirectory = directory };
            if (Environment != null)
            {
                foreach (DictionaryEntry entry in Environment)
                {
                    setup.Environment.Add(new KeyValuePair<string, string?>(entry.Key.ToString(), entry.Value?.ToString()));
                }
            }

            setup.Variables.AddRange(Preferences.Capture(this));
            setup.Variables.AddRange(script.UsingValues);
            if (init != null)
            {
                setup.Variables.AddRange(init.UsingValues);
            }

            return setup;
        }

        /// <summary>A worker on -HostName once it runs, or a local one; a terminating error when it cannot start.</summary>
        private WorkerClient Connect(WorkerSetup setup)
        {
            if (HostName != null)
            {
                var transport = SshConnection.Transports(this, new[] { HostName })[0];
                return SshConnection.ConnectOne(this, transport, Cancellation);
            }

            try
            {
                return WorkerStart.Local(setup, SharedDispatcher.Session);
            }
            catch (Exception e)
            {
                throw this.Terminate(Errors.WorkerStartFailed(e, ScriptBlock));
            }
        }

        private string? ResolveWorkingDirectory()
        {
            if (WorkingDirectory == null)
            {
                PathInfo current = SessionState.Path.CurrentFileSystemLocation;
                return current?.ProviderPath;
            }

            string path;
            try
            {
                path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkingDirectory);
            }
            catch (Exception)
            {
                path = WorkingDirectory;
            }

            if (!Directory.Exists(path))
            {
                throw this.Terminate(Errors.WorkingDirectoryNotFound(WorkingDirectory));
            }

            return path;
        }
    }
}
