using System;
using System.Management.Automation;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// Checks each <c>[user@]host[:port]</c> entry while the parameter is bound, so that a name ssh
    /// must not be given is a parameter error before any process starts (<see cref="SshNames"/>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateSshHostEntryAttribute : ValidateEnumeratedArgumentsAttribute
    {
        /// <summary>Refuses an entry that is not <c>[user@]host[:port]</c> with a host and user name ssh can be given.</summary>
        protected override void ValidateElement(object element)
        {
            // Null is ValidateNotNullOrEmpty's to refuse, which the parameter declares first.
            if (!((element is PSObject pso ? pso.BaseObject : element) is string entry))
            {
                return;
            }

            try
            {
                _ = new SshTarget(entry, null);
            }
            catch (ArgumentException e)
            {
                throw new ValidationMetadataException(e.Message, e);
            }
        }
    }
}
