using ProcCmdlets.Channel;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// What the session reads workers' frames with (<see cref="Frame.Reader(ISharedObjectResolver)"/>):
    /// a handle resolves to the session's object by <see cref="SharedTable.Resolve"/>. Only a handle that
    /// arrives touches the table, so reading frames does not start the dispatcher of shared-object calls.
    /// </summary>
    internal sealed class SessionResolver : ISharedObjectResolver
    {
        /// <summary>The one resolver of the session.</summary>
        public static readonly SessionResolver Instance = new SessionResolver();

        private SessionResolver()
        {
        }

        /// <inheritdoc/>
        public object Resolve(SharedHandle handle) => SharedTable.Resolve(handle);
    }
}
