namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>The operation a SharedCall frame asks for; docs/protocol.md, "Shared objects" lists each one's arguments and result.</summary>
    internal enum SharedOp : byte
    {
        Put = 1,
        Get = 2,
        Count = 3,
        TaskDone = 4,
        Join = 5,
        Close = 6,
        Acquire = 7,
        Release = 8,
        Set = 9,
        Clear = 10,
        IsSet = 11,
        Wait = 12,
        GetValue = 13,
        SetValue = 14,
        Add = 15,
        CompareExchange = 16,
        GetItem = 17,
        SetItem = 18,
        Keys = 19,
        ContainsKey = 20,
        Remove = 21,
        AddItem = 22,
        ToHashtable = 23,

        /// <summary>Posted by a worker once its code has the item of Get call <c>args[0]</c> (docs/protocol.md, "Delivery").</summary>
        Ack = 24,

        /// <summary>
        /// Posted by a worker whose Get call <c>args[0]</c> was answered with an item after its pipeline
        /// began to stop: its code never has the item, which goes back to the head of the queue.
        /// </summary>
        Return = 25,
    }
}
