using System;
using System.Management.Automation;

namespace ProcCmdlets.Commands
{
    /// <summary>Terminating errors in a form the compiler knows does not return.</summary>
    internal static class CmdletTermination
    {
        /// <summary>
        /// Throws <paramref name="error"/> as <paramref name="cmdlet"/>'s terminating error. Callers write
        /// <c>throw cmdlet.Terminate(error)</c>: ThrowTerminatingError always throws, but PowerShell 5.1's
        /// reference assembly does not say so, and the returned exception is never reached.
        /// </summary>
        public static Exception Terminate(this PSCmdlet cmdlet, ErrorRecord error)
        {
            cmdlet.ThrowTerminatingError(error);
            return new InvalidOperationException("ThrowTerminatingError returned.");
        }
    }
}
