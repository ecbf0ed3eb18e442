using System;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>
    /// Where a shared object's calls go: straight to its state in the session, or over the
    /// channel from a worker. Either way the same public type serves, so a script's
    /// <c>[ProcCmdlets.ProcessQueue]</c> parameter works on both sides.
    /// </summary>
    internal interface ISharedEndpoint
    {
        /// <summary>Runs a call and returns its result; a timeout, a refusal or a failure throws.</summary>
        object? Call(ProcessSharedObject target, SharedOp op, TimeSpan? timeout, object?[] args);
    }
}
