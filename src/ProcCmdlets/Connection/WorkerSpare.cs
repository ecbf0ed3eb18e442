using System;
using System.Collections.Generic;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// After the module's first worker start, one idle worker with its engine already open is kept
    /// ready, so that the next start gives its first output at once. It is started only after a
    /// quiet moment, so it never competes with the starts it is meant to speed up. Setting
    /// <c>$ProcCmdletsWarmSpare = $false</c> turns it off.
    /// </summary>
    internal static class WorkerSpare
    {
        public const string PreferenceVariable = "ProcCmdletsWarmSpare";
        private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(750);
        private static readonly object Lock = new object();
        private static WorkerClient s_spare;
        private static Dictionary<string, string> s_spareEnvironment;
        private static Timer s_timer;

        /// <summary>A worker for a new start: the spare when there is one, else a fresh process.</summary>
        public static WorkerClient Take(string workingDirectory, out List<KeyValuePair<string, string>> environmentChanges)
        {
            WorkerClient spare;
            Dictionary<string, string> spareEnvironment;
            lock (Lock)
            {
                spare = s_spare;
                spareEnvironment = s_spareEnvironment;
                s_spare = null;
            }

            environmentChanges = new List<KeyValuePair<string, string>>();
            if (spare != null && !spare.HasExited)
            {
                environmentChanges = EnvironmentDiff.Compute(spareEnvironment, Snapshot(), OSFamilies.Current);
                return spare;
            }

            spare?.Dispose();
            return WorkerClient.Start(LocalProcessTransport.Instance, workingDirectory);
        }

        /// <summary>Schedules a new spare after a quiet period (when enabled).</summary>
        public static void Replenish(bool enabled)
        {
            lock (Lock)
            {
                if (!enabled)
                {
                    s_timer?.Dispose();
                    s_timer = null;
                    ClearLocked();
                    return;
                }

                if (s_timer == null)
                {
                    s_timer = new Timer(_ => StartSpare(), null, QuietPeriod, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    s_timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
                }
            }
        }

        private static void StartSpare()
        {
            lock (Lock)
            {
                if (s_timer == null || (s_spare != null && !s_spare.HasExited))
                {
                    return;
                }

                try
                {
                    s_spareEnvironment = Snapshot();
                    s_spare = WorkerClient.Start(LocalProcessTransport.Instance, null);
                }
                catch (Exception)
                {
                    s_spare = null;
                }
            }
        }

        public static void Forget(WorkerClient connection)
        {
            lock (Lock)
            {
                if (ReferenceEquals(s_spare, connection))
                {
                    s_spare = null;
                }
            }
        }

        /// <summary>Ends the spare and cancels any planned one.</summary>
        public static void Clear()
        {
            lock (Lock)
            {
                s_timer?.Dispose();
                s_timer = null;
                ClearLocked();
            }
        }

        private static void ClearLocked()
        {
            WorkerClient spare = s_spare;
            s_spare = null;
            if (spare != null)
            {
                spare.Dispose();
                spare.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }

        private static Dictionary<string, string> Snapshot() => EnvironmentDiff.Snapshot(OSFamilies.Current);
    }
}
