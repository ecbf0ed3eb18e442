using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>How a call ended: a status, and a value or a message.</summary>
    internal readonly struct SharedResult
    {
        public static readonly SharedResult Done = new SharedResult(SharedStatus.Ok, null, null);
        public static readonly SharedResult True = new SharedResult(SharedStatus.Ok, true, null);
        public static readonly SharedResult False = new SharedResult(SharedStatus.Ok, false, null);

        private SharedResult(SharedStatus status, object value, string message)
        {
            Status = status;
            Value = value;
            Message = message;
        }

        public SharedStatus Status { get; }

        public object Value { get; }

        public string Message { get; }

        public static SharedResult Ok(object value) => new SharedResult(SharedStatus.Ok, value, null);

        public static SharedResult TimedOut(string message) => new SharedResult(SharedStatus.TimedOut, null, message);

        public static SharedResult Invalid(string message) => new SharedResult(SharedStatus.Invalid, null, message);

        public static SharedResult Cancelled() => new SharedResult(SharedStatus.Cancelled, null, "The call was withdrawn.");

        public static SharedResult Failed(string message) => new SharedResult(SharedStatus.Failed, null, message);
    }
}
