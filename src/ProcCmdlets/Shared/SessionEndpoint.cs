using System;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>Calls made in the session (any runspace): straight to the object's state, no frames.</summary>
    internal sealed class SessionEndpoint : ISharedEndpoint
    {
        public static readonly SessionEndpoint Instance = new SessionEndpoint();

        public object Call(ProcessSharedObject target, SharedOp op, TimeSpan? timeout, object[] args)
        {
            SharedState state = SharedTable.Find(target.Id)
                ?? throw new InvalidOperationException($"{target} does not belong to this session.");
            var request = new LocalRequest(op, args, timeout);
            state.Invoke(request);
            SharedResult result = request.WaitResult();
            return SharedOutcome.Unwrap(result.Status, result.Value, result.Message);
        }
    }
}
