using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// What one worker may do with the session's shared objects: the ids the session has sent it
    /// (docs/architecture.md, "Shared objects"), and whether the session has decided to end it.
    /// </summary>
    internal sealed class SharedAccess
    {
        [ThreadStatic]
        private static WorkerClient? s_reading;

        private readonly ConcurrentDictionary<long, bool> _granted = new ConcurrentDictionary<long, bool>();
        private int _condemned;

        public SharedAccess(int processId, string? location)
        {
            Name = $"worker process {processId}" + (location == null || location == Environment.MachineName ? string.Empty : " on " + location);
        }

        /// <summary>The worker whose channel the calling thread reads (each reader thread serves one worker), or null.</summary>
        internal static WorkerClient? Reading
        {
            get => s_reading;
            set => s_reading = value;
        }

        /// <summary>How messages name the worker: its process id, and its host when it is remote.</summary>
        public string Name { get; }

        /// <summary>The session has decided to end the worker (kill or close): nothing more is handed to it.</summary>
        public bool IsCondemned => Volatile.Read(ref _condemned) != 0;

        /// <summary>True when the session has sent the worker shared object <paramref name="id"/>.</summary>
        public bool MayUse(long id) => _granted.ContainsKey(id);

        /// <summary>Records the shared objects a payload hands to the worker; called before its bytes are queued.</summary>
        public void Grant(IReadOnlyList<long>? ids)
        {
            if (ids != null)
            {
                foreach (long id in ids)
                {
                    _granted[id] = true;
                }
            }
        }

        /// <summary>
        /// Records the decision to end the worker, before any of its effects (a kill, an item's error)
        /// can be seen; true the first time, when the caller withdraws its waiting shared-object calls.
        /// </summary>
        public bool Condemn() => Interlocked.Exchange(ref _condemned, 1) == 0;
    }
}
