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
    /// worker may hold a proxy the session cannot see. Using the table first installs the
    /// dispatcher of workers' calls; <see cref="Resolver"/> is what the session reads workers' frames with.
    /// </summary>
    internal sealed class SharedTable : ISharedObjectResolver
    {
        private static readonly ConcurrentDictionary<long, SharedState> States = new ConcurrentDictionary<long, SharedState>();
        private static readonly SharedTable Codec = new SharedTable();
        private static readonly System.Security.Cryptography.RandomNumberGenerator Random = System.Security.Cryptography.RandomNumberGenerator.Create();

        static SharedTable()
        {
            SharedDispatcher.Install();
        }

        /// <summary>Resolves the handles in a worker's frames to the session's objects, refusing those the worker was not sent.</summary>
        public static ISharedObjectResolver Resolver => Codec;

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

            state.Public = SharedKinds.Create(state.Kind, state.Id, state.Capacity, SessionEndpoint.Instance);
            return state.Public;
        }

        public static SharedState Find(long id) => States.TryGetValue(id, out SharedState state) ? state : null;

        public static IEnumerable<SharedState> All => States.Values;

        /// <summary>The warning for a worker that named an object it was not sent.</summary>
        public static string Refusal(WorkerClient client, long id) =>
            $"{client.Shared.Name} named shared object {id}, which the session never sent it; the call was refused.";

        public object Resolve(SharedHandle handle)
        {
            WorkerClient sender = SharedAccess.Reading;
            if (sender != null && !sender.Shared.MayUse(handle.Id))
            {
                SharedWarnings.Add(Refusal(sender, handle.Id));
                throw new InvalidDataException($"A worker sent shared object {handle.Id}, which it was not given.");
            }

            SharedState state = Find(handle.Id);
            if (state == null || state.Kind != handle.Kind)
            {
                throw new InvalidDataException($"A worker sent shared object {handle.Id}, which this session does not have.");
            }

            return state.Public;
        }
    }
}
