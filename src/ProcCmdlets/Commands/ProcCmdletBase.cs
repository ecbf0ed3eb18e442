using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;

namespace ProcCmdlets.Commands
{
    /// <summary>Cancellation shared by every cmdlet: Ctrl+C (StopProcessing) cancels <see cref="Cancellation"/>.</summary>
    public abstract class ProcCmdletBase : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();

        protected CancellationToken Cancellation => _cancellation.Token;

        internal SessionRegistry Registry => SessionRegistry.For(Runspace.DefaultRunspace);

        protected override void StopProcessing() => _cancellation.Cancel();

        protected override void BeginProcessing() => WriteSharedWarnings();

        /// <summary>Writes the warnings shared objects left from background threads (a dead holder's lock released).</summary>
        internal void WriteSharedWarnings() => ProcCmdlets.Shared.SharedWarnings.Drain(WriteWarning);

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                _cancellation.Dispose();
            }
        }
    }
}
