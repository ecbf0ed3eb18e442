using System;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>Turns how a shared-object call ended into its result or the exception the caller sees, on either side.</summary>
    internal static class SharedOutcome
    {
        public static object? Unwrap(SharedStatus status, object? value, string? message)
        {
            switch (status)
            {
                case SharedStatus.Ok:
                    return value;
                case SharedStatus.TimedOut:
                    throw new TimeoutException(message);
                case SharedStatus.Invalid:
                    throw new InvalidOperationException(message);
                case SharedStatus.Cancelled:
                    throw new PipelineStoppedException();
                default:
                    throw new ArgumentException(message);
            }
        }
    }
}
