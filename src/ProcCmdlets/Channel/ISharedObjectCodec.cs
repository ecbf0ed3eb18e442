namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Turns shared objects into handles and back. The session registers one that resolves ids in
    /// its table, a worker one that makes proxies; the channel itself knows neither.
    /// </summary>
    internal interface ISharedObjectCodec
    {
        bool TryGetHandle(object value, out SharedHandle handle);

        object Resolve(SharedHandle handle);
    }
}
