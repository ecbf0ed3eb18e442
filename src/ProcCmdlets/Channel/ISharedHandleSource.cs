namespace ProcCmdlets.Channel
{
    /// <summary>
    /// A value that crosses the channel as a handle (<see cref="ValueCodec.Tag.SharedObject"/>):
    /// the shared objects, which the layer above implements, so the channel needs no hook to know them.
    /// </summary>
    internal interface ISharedHandleSource
    {
        /// <summary>The handle that names the object across the channel.</summary>
        SharedHandle Handle { get; }
    }
}
