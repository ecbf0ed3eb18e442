using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// The session's live shared objects by id. Objects stay while the session lives, since a
    /// worker may hold a proxy the session cannot see. Using the table first starts the
    /// dispatcher of workers' calls; <see cref="SessionResolver"/> reads workers' handles with <see cref="Resolve"/>.
    /// </summary>
    internal static class SharedTable
    {
        private static readonly ConcurrentDictionary<long, SharedState> States = new ConcurrentDictionary<long, SharedState>();
        private static readonly System.Security.Cryptography.RandomNumberGenerator Random = System.Security.Cryptography.RandomNumberGenerator.Create();

        static SharedTable()
        {
            SharedDispatcher.Session.Activate();
        }

        public static ProcessSharedObject Add(SharedState state)
        {
            // Random, not sequential: a worker cannot name an object it was not sent by guessing its id.
            var bytes = new byte[8];
            do
            {
                lock (Random)
                {
                    Random.GetBytes(bytes);
                }

                state.Id = BitConverter.ToInt64(bytes, 0) & long.MaxValue;
            }
            while (state.Id == 0 || !States.TryAdd(state.Id, state));

            ProcessSharedObject shared = SharedKinds.Create(state.Kind, state.Id, state.Capacity, SessionEndpoint.Instance)
                ?? throw new InvalidOperationException($"No shared object is of kind {state.Kind}.");
            state.Public = shared;
            return shared;
        }

        public static SharedState? Find(long id) => States.TryGetValue(id, out SharedState state) ? state : null;

        public static IEnumerable<SharedState> All => States.Values;

        /// <summary>The warning for a worker that named an object it was not sent.</summary>
        public static string Refusal(WorkerClient client, long id) =>
            $"{client.Shared.Name} named shared object {id}, which the session never sent it; the call was refused.";

        /// <summary>The session's object a worker's handle names; one the worker was not sent, or that the session does not have, throws <see cref="InvalidDataException"/>.</summary>
        public static object Resolve(SharedHandle handle)
        {
            WorkerClient? sender = SharedAccess.Reading;
            if (sender != null && !sender.Shared.MayUse(handle.Id))
            {
                SharedWarnings.Add(Refusal(sender, handle.Id));
                throw new InvalidDataException($"A worker sent shared object {handle.Id}, which it was not given.");
            }

            SharedState? state = Find(handle.Id);
            if (state == null || state.Kind != handle.Kind)
            {
                throw new InvalidDataException($"A worker sent shared object {handle.Id}, which this session does not have.");
            }

            // Set by Add before the id is handed out, so before any worker can name it.
            return state.Public!;
        }
    }
}
