using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>An event's flag and the calls waiting for it.</summary>
    internal sealed class EventState : SharedState
    {
        private bool _set;

        public EventState()
            : base(SharedKinds.Event, 0)
        {
        }

        protected override SharedResult? Run(SharedRequest request)
        {
            switch (request.Op)
            {
                case SharedOp.Set:
                    _set = true;
                    foreach (SharedRequest waiter in TakeAllWaiting(SharedOp.Wait))
                    {
                        waiter.Finish(SharedResult.True);
                    }

                    return SharedResult.Done;
                case SharedOp.Clear:
                    _set = false;
                    return SharedResult.Done;
                case SharedOp.IsSet:
                    return _set ? SharedResult.True : SharedResult.False;
                case SharedOp.Wait:
                    return _set ? SharedResult.True : Park(request);
                default:
                    return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }
        }

        protected override SharedResult TimeoutResult(SharedRequest request) => SharedResult.False;
    }
}
