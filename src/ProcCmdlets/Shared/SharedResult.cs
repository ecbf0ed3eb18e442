using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>How a call ended: a status, and a value or a message.</summary>
    internal readonly struct SharedResult
    {
        public static readonly SharedResult Done = new SharedResult(SharedStatus.Ok, null, null);
        public static readonly SharedResult True = new SharedResult(SharedStatus.Ok, true, null);
        public static readonly SharedResult False = new SharedResult(SharedStatus.Ok, false, null);

        private SharedResult(SharedStatus status, object? value, string? message)
        {
            Status = status;
            Value = value;
            Message = message;
        }

        /// <summary>How the call ended.</summary>
        public SharedStatus Status { get; }

        /// <summary>What a call that ended Ok returns (null for none).</summary>
        public object? Value { get; }

        /// <summary>Why a call that did not end Ok ended so.</summary>
        public string? Message { get; }

        /// <summary>An Ok end that returns <paramref name="value"/>.</summary>
        public static SharedResult Ok(object? value) => new SharedResult(SharedStatus.Ok, value, null);

        /// <summary>The call's timeout passed first.</summary>
        public static SharedResult TimedOut(string message) => new SharedResult(SharedStatus.TimedOut, null, message);

        /// <summary>The call cannot be done on this object (a release it does not hold, a full dictionary key...).</summary>
        public static SharedResult Invalid(string message) => new SharedResult(SharedStatus.Invalid, null, message);

        /// <summary>The call was withdrawn before it ended.</summary>
        public static SharedResult Cancelled() => new SharedResult(SharedStatus.Cancelled, null, "The call was withdrawn.");

        /// <summary>The call failed (a forged id, arguments that could not be read, an exception).</summary>
        public static SharedResult Failed(string message) => new SharedResult(SharedStatus.Failed, null, message);
    }
}
