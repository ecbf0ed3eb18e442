using System;
using System.Collections.Generic;
using ProcCmdlets.Connection;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// What a decision taken under the pool's lock has to do once the lock is released: frames to
    /// send, workers to close or kill, workers to start, callbacks to run. Nothing slow, and nothing
    /// that can wait for a worker or a user's handler, ever runs under the lock.
    /// </summary>
    internal sealed class PoolEffects
    {
        private readonly List<Action> _callbacks = new List<Action>();
        private readonly List<PoolWorker> _flushes = new List<PoolWorker>();
        private readonly List<WorkerClient> _closes = new List<WorkerClient>();
        private readonly List<WorkerClient> _kills = new List<WorkerClient>();

        /// <summary>Workers to start (replacements, or the pool's first).</summary>
        public int Starts { get; set; }

        public void Callback(Action action) => _callbacks.Add(action);

        public void Flush(PoolWorker worker)
        {
            if (!_flushes.Contains(worker))
            {
                _flushes.Add(worker);
            }
        }

        public void CloseChannel(WorkerClient client) => _closes.Add(client);

        public void Kill(WorkerClient client) => _kills.Add(client);

        /// <summary>Runs what was collected, in order: condemnations, callbacks, sends, closes, kills; the caller then starts workers.</summary>
        public void Run()
        {
            // The decision to end a worker is recorded first: its waiting shared-object calls are
            // withdrawn before an item's error or a cmdlet's return lets the user put the next item.
            foreach (WorkerClient client in _kills)
            {
                SharedDispatcher.Session.Condemn(client);
            }

            foreach (WorkerClient client in _closes)
            {
                SharedDispatcher.Session.Condemn(client);
            }

            foreach (Action callback in _callbacks)
            {
                try
                {
                    callback();
                }
                catch (Exception)
                {
                    // A caller's failure must not stop the pool's own work.
                }
            }

            foreach (PoolWorker worker in _flushes)
            {
                worker.Flush();
            }

            foreach (WorkerClient client in _closes)
            {
                client.CloseChannel();
            }

            foreach (WorkerClient client in _kills)
            {
                client.Kill();
            }

            _callbacks.Clear();
            _flushes.Clear();
            _closes.Clear();
            _kills.Clear();
        }
    }
}
