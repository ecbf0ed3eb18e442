using System;
using System.Globalization;
using System.Management.Automation.Host;

namespace ProcCmdlets.Worker
{
    /// <summary>A host with no console: it only notes when a script calls <c>exit</c>.</summary>
    internal sealed class WorkerHost : PSHost
    {
        private readonly Guid _id = Guid.NewGuid();

        public int? ExitCode { get; private set; }

        public override string Name => "ProcCmdlets.Worker";

        public override Version Version => typeof(WorkerHost).Assembly.GetName().Version;

        public override Guid InstanceId => _id;

        public override PSHostUserInterface? UI => null;

        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

        public override void EnterNestedPrompt() => throw new NotSupportedException("A worker process has no interactive prompt.");

        public override void ExitNestedPrompt() => throw new NotSupportedException("A worker process has no interactive prompt.");

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }
    }
}
