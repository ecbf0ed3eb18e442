using System;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Pools;
using ProcCmdlets.Transport;

namespace ProcCmdlets
{
    /// <summary>
    /// A fixed number of reusable worker processes that run the items of maps and applies
    /// [multiprocessing.Pool]. A worker that dies is replaced; the item it was running gives a
    /// WorkerCrashed error and the items queued on it run elsewhere.
    /// </summary>
    public sealed class ProcessPool : IDisposable
    {
        internal ProcessPool(string name, int processCount, int maxTasksPerWorker, WorkerSetup setup, string? initScript, object?[]? initArgs, System.Collections.Generic.IReadOnlyList<IWorkerTransport>? transports = null, PSLanguageMode languageMode = PSLanguageMode.FullLanguage)
        {
            // Encoding the setup once checks every value before any process starts.
            setup.Write(new Channel.PayloadWriter());
            Core = new WorkerPool(name, processCount, maxTasksPerWorker, setup, initScript, initArgs, transports, this, languageMode);
            Core.Start();
        }

        internal WorkerPool Core { get; }

        /// <summary>The pool's name, unique in the session.</summary>
        public string Name => Core.Name;

        /// <summary>The number of workers the pool keeps (in all hosts together) [processes].</summary>
        public int ProcessCount => Core.ProcessCount;

        /// <summary>Where its workers run: this machine's name, or the hosts it reached over SSH.</summary>
        public string[] Hosts => Core.Hosts;

        /// <summary>Items a worker runs before it is replaced by a fresh process; 0 for no limit.</summary>
        public int MaxTasksPerWorker => Core.MaxTasksPerWorker;

        /// <summary>Whether the pool runs work, was closed or was terminated.</summary>
        public PoolState State => Core.State;

        /// <summary>The OS process ids of the pool's current workers.</summary>
        public int[] WorkerProcessIds => Core.WorkerProcessIds;

        /// <summary>Input items run so far.</summary>
        public long TasksCompleted => Core.TasksCompleted;

        /// <summary>Waits until queued work has finished, then lets the workers exit [close(); join()].</summary>
        public void Close() => Core.Close(CancellationToken.None);

        internal void Close(CancellationToken cancellation) => Core.Close(cancellation);

        /// <summary>Ends every worker at once [terminate()].</summary>
        public void Terminate() => Core.Terminate();

        /// <summary>Terminates the pool (see <see cref="Terminate"/>).</summary>
        public void Dispose() => Terminate();

        /// <summary>The pool's name.</summary>
        public override string ToString() => Name;
    }
}
