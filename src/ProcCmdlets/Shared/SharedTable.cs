using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// The session's live shared objects by id. Objects stay while the session lives, since a
    /// worker may hold a proxy the session cannot see. Creating the first one installs the
    /// session's handle codec and the dispatcher of workers' calls.
    /// </summary>
    internal sealed class SharedTable : ISharedObjectCodec
    {
        private static readonly ConcurrentDictionary<long, SharedState> States = new ConcurrentDictionary<long, SharedState>();
        private static readonly SharedTable Codec = new SharedTable();
        private static long _nextId;

        static SharedTable()
        {
            // A worker registers its own codec first; objects made inside a worker then stay local to it.
            if (ValueCodec.SharedObjects == null)
            {
                ValueCodec.SharedObjects = Codec;
            }

            SharedDispatcher.Install();
        }

        public static ProcessSharedObject Add(SharedState state)
        {
            state.Id = System.Threading.Interlocked.Increment(ref _nextId);
            state.Public = SharedKinds.Create(state.Kind, state.Id, state.Capacity, SessionEndpoint.Instance);
            States[state.Id] = state;
            return state.Public;
        }

        public static SharedState Find(long id) => States.TryGetValue(id, out SharedState state) ? state : null;

        public static IEnumerable<SharedState> All => States.Values;

        public bool TryGetHandle(object value, out SharedHandle handle)
        {
            if (value is ProcessSharedObject shared)
            {
                handle = new SharedHandle(shared.Kind, shared.Id, shared.Capacity);
                return true;
            }

            handle = default;
            return false;
        }

        public object Resolve(SharedHandle handle)
        {
            SharedState state = Find(handle.Id);
            if (state == null || state.Kind != handle.Kind)
            {
                throw new InvalidDataException($"A worker sent shared object {handle.Id}, which this session does not have.");
            }

            return state.Public;
        }
    }
}
