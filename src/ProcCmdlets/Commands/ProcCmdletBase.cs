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

        /// <summary>Cancelled when the user stops the command (Ctrl+C).</summary>
        protected CancellationToken Cancellation => _cancellation.Token;

        /// <summary>The pools and workers of the session the command runs in.</summary>
        internal static SessionRegistry Registry => SessionRegistry.For(Runspace.DefaultRunspace);

        /// <summary>Cancels <see cref="Cancellation"/>.</summary>
        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Writes the warnings shared objects left since the last command.</summary>
        protected override void BeginProcessing() => WriteSharedWarnings();

        /// <summary>Writes the warnings shared objects left from background threads (a dead holder's lock released).</summary>
        internal void WriteSharedWarnings() => ProcCmdlets.Shared.SharedWarnings.Drain(WriteWarning);

        /// <summary>Releases the command's cancellation source.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Releases what the command holds; a command that owns more overrides it.</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                _cancellation.Dispose();
            }
        }
    }
}
