namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Turns a shared object's handle read from a frame into the object: the session's resolves ids
    /// in its table, a worker's makes proxies. Whoever reads a frame passes its own to
    /// <see cref="Frame.Reader(ISharedObjectResolver)"/>; the channel itself knows neither.
    /// </summary>
    internal interface ISharedObjectResolver
    {
        /// <summary>The object <paramref name="handle"/> names; an id this side must not resolve throws <see cref="System.IO.InvalidDataException"/>.</summary>
        object Resolve(SharedHandle handle);
    }
}
