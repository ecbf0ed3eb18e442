using System.Diagnostics;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// A worker thread's lease of a session-owned lock: once granted, the thread releases and takes
    /// it again here, without a round trip, until it gives the lease back. It gives it back when
    /// the session has asked (another caller waits) and it has used the lease
    /// <see cref="UsesBeforeYield"/> times or for <see cref="YieldAfterTicks"/> since its first
    /// release (counted from there, since the thread may wake long after the grant), after
    /// <see cref="MaxUses"/> uses in any case, or when it stays released for a moment (the linger
    /// timer). The bound keeps waiters from waiting long while a busy holder saves most round trips.
    /// </summary>
    internal sealed class LockLease
    {
        public const int UsesBeforeYield = 64;
        public const int MaxUses = 1000;
        public const int LingerMilliseconds = 1;
        public static readonly long YieldAfterTicks = Stopwatch.Frequency / 500;

        /// <summary>The managed id of the thread holding the lease; 0 for none.</summary>
        public int Thread { get; set; }

        /// <summary>The lease's thread holds the lock now (between its Acquire and Release).</summary>
        public bool Held { get; set; }

        public bool Revoked { get; set; }

        /// <summary>
        /// A revoke came while no lease was held: the session answers an Acquire granted at once after
        /// leaving the lock's gate, so another caller's revoke can overtake that grant. The next
        /// grant starts revoked (at worst a stale revoke makes one lease yield early).
        /// </summary>
        public bool RevokedBeforeGrant { get; set; }

        public int Uses { get; set; }

        /// <summary>When the lease's thread first released the lock under this lease (0 before).</summary>
        public long FirstReleaseAt { get; set; }

        public System.Threading.Timer? Linger { get; set; }

        public void Grant(int thread)
        {
            Thread = thread;
            Held = true;
            Revoked = RevokedBeforeGrant;
            RevokedBeforeGrant = false;
            Uses = 1;
            FirstReleaseAt = 0;
        }

        /// <summary>Whether a release by the lease's thread should give the lease back to the session.</summary>
        public bool ShouldYield()
        {
            long now = Stopwatch.GetTimestamp();
            if (FirstReleaseAt == 0)
            {
                FirstReleaseAt = now;
            }

            return Uses >= MaxUses || (Revoked && (Uses >= UsesBeforeYield || now - FirstReleaseAt >= YieldAfterTicks));
        }
    }
}
