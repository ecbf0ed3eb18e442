namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>How a shared-object call ended, in a SharedReply frame.</summary>
    internal enum SharedStatus : byte
    {
        /// <summary>Done; a value follows.</summary>
        Ok = 0,

        /// <summary>A blocking call ran out of time (a TimeoutException in the caller); a message follows.</summary>
        TimedOut = 1,

        /// <summary>Not allowed now (an InvalidOperationException): a closed queue, a lock the caller does not hold; a message follows.</summary>
        Invalid = 2,

        /// <summary>Withdrawn at the worker's request (its pipeline is stopping); a message follows.</summary>
        Cancelled = 3,

        /// <summary>Failed otherwise (an unknown object, a bad argument); a message follows.</summary>
        Failed = 4,
    }
}
