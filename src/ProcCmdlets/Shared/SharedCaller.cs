using System;

namespace ProcCmdlets.Shared
{
    /// <summary>One thread of one process: who holds a lock.</summary>
    internal readonly struct SharedCaller : IEquatable<SharedCaller>
    {
        public SharedCaller(SharedPeer peer, long thread)
        {
            Peer = peer;
            Thread = thread;
        }

        public SharedPeer Peer { get; }

        public long Thread { get; }

        public bool Equals(SharedCaller other) => ReferenceEquals(Peer, other.Peer) && Thread == other.Thread;

        public override bool Equals(object obj) => obj is SharedCaller other && Equals(other);

        public override int GetHashCode() => (Peer?.GetHashCode() ?? 0) ^ Thread.GetHashCode();
    }
}
