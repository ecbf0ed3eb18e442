using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>One shared value; every update is atomic under the gate.</summary>
    internal sealed class ValueState : SharedState
    {
        private object? _value;

        public ValueState(object? value)
            : base(SharedKinds.Value, 0)
        {
            _value = value;
        }

        protected override SharedResult? Run(SharedRequest request)
        {
            switch (request.Op)
            {
                case SharedOp.GetValue:
                    return SharedResult.Ok(_value);
                case SharedOp.SetValue:
                    _value = request.Arg(0);
                    return SharedResult.Done;
                case SharedOp.Add:
                    _value = SharedArithmetic.Add(_value, request.Arg(0));
                    return SharedResult.Ok(_value);
                case SharedOp.CompareExchange:
                    object? old = _value;
                    if (LanguagePrimitives.Equals(SharedArithmetic.Unwrap(old), SharedArithmetic.Unwrap(request.Arg(1))))
                    {
                        _value = request.Arg(0);
                    }

                    return SharedResult.Ok(old);
                default:
                    return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }
        }

        protected override SharedResult TimeoutResult(SharedRequest request) => SharedResult.False;
    }
}
