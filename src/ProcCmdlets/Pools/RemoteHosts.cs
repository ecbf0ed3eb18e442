using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ProcCmdlets.Connection;
using ProcCmdlets.Records;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// The hosts of a pool on other machines, a fixed number of workers on each. A host whose
    /// connections fail is tried again after a growing pause (1, 2, 4 ... 30 seconds), never in a
    /// tight loop; hosts that did not answer when the pool started are left out; the pool breaks only
    /// when every host keeps failing.
    /// </summary>
    internal sealed class RemoteHosts
    {
        /// <summary>Failed connections in a row, on every host at once, after which the pool gives up.</summary>
        private const int MaxFailures = 3;

        private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

        private readonly WorkerPool _pool;
        private readonly List<HostSlot> _slots;
        private readonly Action<HostSlot> _connect;
        private readonly HashSet<Timer> _timers = new HashSet<Timer>();

        public RemoteHosts(WorkerPool pool, IEnumerable<IWorkerTransport> transports, int perHost, Action<HostSlot> connect)
        {
            _pool = pool;
            _slots = transports.Select(t => new HostSlot(t)).ToList();
            PerHost = perHost;
            _connect = connect;
        }

        public int PerHost { get; }

        public IReadOnlyList<HostSlot> Slots => _slots;

        /// <summary>Hosts the pool runs on.</summary>
        public int ActiveCount => _slots.Count(s => !s.Dropped);

        public string[] Locations => _slots.Where(s => !s.Dropped).Select(s => s.Location).ToArray();

        /// <summary>The pause before the next connection to a host whose last <paramref name="failures"/> failed.</summary>
        public static TimeSpan BackOff(int failures) =>
            failures <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxBackOff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));

        /// <summary>Starts one worker on the host that has the fewest; called without the lock.</summary>
        public void StartOne()
        {
            HostSlot slot;
            lock (_pool.Lock)
            {
                if (_pool.State == PoolState.Terminated)
                {
                    return;
                }

                slot = _slots.Where(s => !s.Dropped && s.Live < PerHost).OrderBy(s => s.Live).FirstOrDefault();
                if (slot == null)
                {
                    return;
                }

                slot.Pending++;
                TimeSpan delay = BackOff(slot.Failures);
                if (delay > TimeSpan.Zero)
                {
                    Timer? timer = null;
                    timer = new Timer(
                        _ =>
                        {
                            lock (_pool.Lock)
                            {
                                // Assigned before the timer can fire: it is started (Change) only after that.
                                _timers.Remove(timer!);
                            }

                            timer!.Dispose();
                            Connect(slot);
                        },
                        null,
                        Timeout.Infinite,
                        Timeout.Infinite);
                    _timers.Add(timer);
                    timer.Change(delay, Timeout.InfiniteTimeSpan);
                    return;
                }
            }

            Connect(slot);
        }

        private void Connect(HostSlot slot)
        {
            lock (_pool.Lock)
            {
                if (_pool.State == PoolState.Terminated || slot.Dropped)
                {
                    slot.Pending--;
                    return;
                }
            }

            _connect(slot);
        }

        /// <summary>A worker of a host is ready (under the lock).</summary>
        public void OnReadyLocked(PoolWorker worker)
        {
            // Every worker of a pool on other hosts has its host.
            HostSlot slot = worker.Host!;
            slot.Failures = 0;
            slot.Answered = true;
            slot.Messages = slot.Messages ?? (worker.Client.Link as IHostLink)?.Messages;
            Monitor.PulseAll(_pool.Lock);
        }

        /// <summary>
        /// A host's connection answered (under no lock): ssh logged in and ProcCmdlets runs there on a
        /// pwsh it accepts. That is all a new pool waits for: its first map's items go to whichever
        /// worker is ready first, without waiting for the slowest host's first worker to start.
        /// </summary>
        public void OnHostAnswered(HostSlot slot, IHostLink link)
        {
            lock (_pool.Lock)
            {
                if (!slot.Answered)
                {
                    slot.Answered = true;
                    slot.Messages = slot.Messages ?? link.Messages;
                    Monitor.PulseAll(_pool.Lock);
                }
            }
        }

        /// <summary>ssh could not even be started (under no lock); returns what to run.</summary>
        public PoolEffects OnConnectFailed(HostSlot slot, string reason)
        {
            var effects = new PoolEffects();
            lock (_pool.Lock)
            {
                slot.Pending--;
                Fail(slot, reason, effects);
                if (_pool.State != PoolState.Terminated && _pool.Broken == null)
                {
                    effects.Starts++;
                }

                Monitor.PulseAll(_pool.Lock);
            }

            return effects;
        }

        /// <summary>A worker of <paramref name="slot"/> ended before it greeted (under the lock).</summary>
        public void OnConnectFailedLocked(HostSlot slot, WorkerClient client, PoolEffects effects)
        {
            var link = client.Link as IHostLink;
            slot.Messages = slot.Messages ?? link?.Messages;
            Fail(slot, client.ChannelFault ?? link?.Failure() ?? $"the worker ended with exit status {client.ExitCode}", effects);
        }

        private void Fail(HostSlot slot, string reason, PoolEffects effects)
        {
            slot.Failures++;
            slot.LastFailure = reason;
            List<HostSlot> active = _slots.Where(s => !s.Dropped).ToList();
            if (_pool.Broken == null && _pool.State != PoolState.Terminated && active.Count > 0 && active.All(s => s.Answered && s.Failures >= MaxFailures))
            {
                _pool.Broken = Errors.PoolBroken(_pool.Name, _pool.Owner, "no host can be reached any more (" + Describe(active) + ").");
                _pool.FailAllLocked(_pool.Broken, effects);
            }
        }

        /// <summary>
        /// Waits until every host has answered or has failed its first connections, at most
        /// <paramref name="timeout"/>; hosts that did not answer are left out, their workers ended.
        /// Returns them.
        /// </summary>
        public List<HostSlot> WaitForAnswers(TimeSpan timeout, CancellationToken cancellation)
        {
            var dropped = new List<HostSlot>();
            var effects = new PoolEffects();
            DateTime deadline = DateTime.UtcNow + timeout;
            using (cancellation.Register(() => { lock (_pool.Lock) { Monitor.PulseAll(_pool.Lock); } }))
            {
                lock (_pool.Lock)
                {
                    while (!cancellation.IsCancellationRequested && _pool.State != PoolState.Terminated
                        && _slots.Any(s => !s.Answered && !(s.Failures > 0 && s.Workers.Count == 0)))
                    {
                        TimeSpan left = deadline - DateTime.UtcNow;
                        if (left <= TimeSpan.Zero)
                        {
                            break;
                        }

                        Monitor.Wait(_pool.Lock, left);
                    }

                    foreach (HostSlot slot in _slots.Where(s => !s.Answered))
                    {
                        slot.Dropped = true;
                        slot.LastFailure = slot.LastFailure ?? $"it did not answer within {(int)timeout.TotalSeconds} seconds";
                        foreach (PoolWorker worker in slot.Workers)
                        {
                            worker.Retiring = true;
                            effects.Kill(worker.Client);
                        }

                        dropped.Add(slot);
                    }
                }
            }

            _pool.Run(effects);
            return dropped;
        }

        public static string Describe(IEnumerable<HostSlot> slots) =>
            string.Join("; ", slots.Select(s => s.Location + ": " + (s.LastFailure ?? "no answer")));
    }
}
