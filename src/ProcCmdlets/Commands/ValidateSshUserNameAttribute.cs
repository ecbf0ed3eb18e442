using System;
using System.Management.Automation;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>Checks -UserName while it is bound: a name ssh must not be given is a parameter error (<see cref="SshNames"/>).</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateSshUserNameAttribute : ValidateArgumentsAttribute
    {
        /// <summary>Refuses a user name ssh could mistake for an option or another host.</summary>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            string? problem = SshNames.UserProblem((arguments is PSObject pso ? pso.BaseObject : arguments) as string);
            if (problem != null)
            {
                throw new ValidationMetadataException(problem + ".");
            }
        }
    }
}
