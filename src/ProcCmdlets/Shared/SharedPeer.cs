using System.Collections.Concurrent;

namespace ProcCmdlets.Shared
{
    /// <summary>A process that calls shared objects: the session itself, or one worker (whose calls wait here while pending).</summary>
    internal sealed class SharedPeer
    {
        public static readonly SharedPeer Session = new SharedPeer("the session");

        public SharedPeer(string name)
        {
            Name = name;
        }

        /// <summary>Asks the worker to give back its lease of lock <c>id</c> (null for the session, which takes no leases).</summary>
        public System.Action<long> Revoke { get; set; }

        /// <summary>How warnings name it.</summary>
        public string Name { get; }

        /// <summary>The worker's calls that wait for a reply, by call id.</summary>
        public ConcurrentDictionary<long, SharedRequest> Pending { get; } = new ConcurrentDictionary<long, SharedRequest>();

        public override string ToString() => Name;
    }
}
