using System;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Records;
using ProcCmdlets.Shared;

namespace ProcCmdlets.Pools
{
    /// <summary>
    /// Moves a map's results to where they are written, on the one thread that writes them (a
    /// cmdlet's pipeline thread, or an -AsJob map's drain thread): waits for events, drains them in
    /// order, writes the warnings background threads left (a dead holder's lock released), checks
    /// item time limits, and at the end gives back what the result held in the pool. Both kinds of map
    /// go through it, so neither can forget a step.
    /// </summary>
    internal sealed class MapPump
    {
        private static readonly TimeSpan ConsoleSyncLimit = TimeSpan.FromSeconds(1);

        private readonly WorkerPool _pool;
        private readonly MapResult _result;
        private readonly IRecordSink _sink;
        private readonly Action<ErrorRecord> _fatal;
        private bool _ended;

        public MapPump(WorkerPool pool, MapResult result, IRecordSink sink, Action<ErrorRecord> fatal)
        {
            _pool = pool;
            _result = result;
            _sink = sink;
            _fatal = fatal;
        }

        /// <summary>Writes what is ready now, without waiting.</summary>
        public void Drain()
        {
            _result.Drain(_sink, _fatal);
            SharedWarnings.Drain(WriteWarning);
        }

        /// <summary>Waits until events arrive (or a short while), then writes them.</summary>
        /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
        public void Pump(CancellationToken cancellation)
        {
            _result.Wait(TimeSpan.FromMilliseconds(_result.TimeoutSeconds > 0 ? 50 : 250), cancellation);
            Drain();
            if (_result.TimeoutSeconds > 0)
            {
                _pool.Supervisor.CheckTimeouts();
            }
        }

        /// <summary>All items have finished: waits for console text still on its way, and writes the rest.</summary>
        /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
        public void Finish(CancellationToken cancellation)
        {
            _ = _pool.SyncConsole(_result, ConsoleSyncLimit, cancellation);
            Drain();
        }

        /// <summary>
        /// The result is over: an unfinished one is cancelled (its records are dropped as they come, its
        /// workers run on to their stop), no worker stays paused for it, and the pool forgets it.
        /// </summary>
        public void End(bool finished)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            if (!finished)
            {
                _result.Cancelled = true;
            }

            _result.ReleaseWorkers();
            _pool.Unregister(_result);
        }

        private void WriteWarning(string message) => _sink.Write(StreamKind.Warning, new WarningRecord(message));
    }
}
