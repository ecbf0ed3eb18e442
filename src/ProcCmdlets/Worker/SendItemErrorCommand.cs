using System.Management.Automation;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// Reports an item's terminating error as that item's, for the task wrapper. It is a cmdlet, not
    /// a method of the feed, because the wrapper runs in the session's language mode and
    /// ConstrainedLanguage refuses method calls on the module's types. It is not exported: the wrapper
    /// reaches it through <see cref="ItemFeed.FailCommand"/>, so no function or alias of the user's can
    /// take its place.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "ProcCmdletsItemError")]
    public sealed class SendItemErrorCommand : Cmdlet
    {
        /// <summary>The feed whose current item failed (mandatory, so bound before ProcessRecord).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public ItemFeed Feed { get; set; } = null!;

        /// <summary>The item's error: an ErrorRecord, or a PSObject wrapping one; anything else only marks the item failed.</summary>
        [Parameter(Position = 1)]
        public object? ErrorRecord { get; set; }

        /// <summary>Reports the error through the feed.</summary>
        protected override void ProcessRecord() => Feed.Fail(ErrorRecord);
    }
}
