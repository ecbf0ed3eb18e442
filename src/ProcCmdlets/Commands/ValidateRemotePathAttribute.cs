using System;
using System.Management.Automation;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>Checks -PowerShellPath while it is bound: a path the remote shell cannot be given literally is a parameter error (<see cref="RemoteShell"/>).</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateRemotePathAttribute : ValidateArgumentsAttribute
    {
        /// <summary>Refuses a path the remote shell could not be given safely quoted.</summary>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            // Null is ValidateNotNullOrEmpty's to refuse, which the parameter declares first.
            if (!((arguments is PSObject pso ? pso.BaseObject : arguments) is string path))
            {
                return;
            }

            try
            {
                RemoteShell.Quote(path);
            }
            catch (ArgumentException e)
            {
                throw new ValidationMetadataException(e.Message, e);
            }
        }
    }
}
