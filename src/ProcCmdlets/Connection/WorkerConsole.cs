using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Connection
{
    /// <summary>
    /// A worker's console text, read asynchronously (no thread waits for it): lines its programs
    /// wrote, which go to the owner and are kept for crash reports, and the module's own lines among
    /// them (a failure the worker reports, a console sync mark).
    /// </summary>
    internal sealed class WorkerConsole
    {
        private const int TailLines = 20;

        private readonly TextReader _console;
        private readonly Action<string> _deliver;
        private readonly Queue<string> _tail = new Queue<string>();
        private readonly ManualResetEventSlim _done = new ManualResetEventSlim();
        private readonly TaskCompletionSource<bool> _ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<long, ManualResetEventSlim> _syncs = new ConcurrentDictionary<long, ManualResetEventSlim>();
        private long _nextSyncToken = new Random().Next();
        private volatile string? _workerFault;

        /// <summary>Starts reading <paramref name="console"/>; each line the worker's programs wrote goes to <paramref name="deliver"/>.</summary>
        /// <param name="console">The worker's console text.</param>
        /// <param name="deliver">Where each line the worker's programs wrote goes.</param>
        /// <param name="threadName">The name of its thread, where it has one.</param>
        /// <param name="dedicated">Whether it reads on a thread of its own (see <c>WorkerLink.ReadsBlock</c>).</param>
        public WorkerConsole(TextReader console, Action<string> deliver, string threadName, bool dedicated)
        {
            _console = console;
            _deliver = deliver;
            ReadLoops.Start(ReadLoop, threadName, dedicated);
        }

        /// <summary>What the worker reported wrong in the session's frames (<see cref="WorkerFailure"/>), or null.</summary>
        public string? WorkerFault => _workerFault;

        /// <summary>The last lines the worker wrote to its console, for crash reports.</summary>
        public string Tail()
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }

        /// <summary>Waits until the console has ended (all its text read), at most <paramref name="timeout"/>.</summary>
        public bool WaitForEnd(TimeSpan timeout) => _done.Wait(timeout);

        /// <summary>As <see cref="WaitForEnd"/>, without holding a thread: true when the console ended within <paramref name="timeout"/>.</summary>
        public async Task<bool> WaitForEndAsync(TimeSpan timeout)
        {
            Task ended = _ended.Task;
            return ended.IsCompleted || await Task.WhenAny(ended, Task.Delay(timeout)).ConfigureAwait(false) == ended;
        }

        /// <summary>
        /// Asks the worker, through <paramref name="send"/>, to mark its console pipe; the returned event is
        /// set once everything the worker's programs wrote before has been read (or the worker is gone).
        /// </summary>
        public ManualResetEventSlim RequestSync(Func<long, bool> send)
        {
            var synced = new ManualResetEventSlim();
            long token = Interlocked.Increment(ref _nextSyncToken);
            _syncs[token] = synced;
            if (!send(token) || _done.IsSet)
            {
                _syncs.TryRemove(token, out _);
                synced.Set();
            }

            return synced;
        }

        private async Task ReadLoop(bool blocking)
        {
            try
            {
                string? line;
                while ((line = blocking ? _console.ReadLine() : await _console.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    OnLine(line);
                }
            }
            catch (Exception)
            {
                // A console that fails ends like one that closes: the channel's reader reports the worker's end.
            }
            finally
            {
                // No more console text will come: nobody need wait for it.
                _done.Set();
                _ended.TrySetResult(true);
                foreach (long token in _syncs.Keys)
                {
                    if (_syncs.TryRemove(token, out ManualResetEventSlim? pending))
                    {
                        pending.Set();
                    }
                }
            }
        }

        private void OnLine(string line)
        {
            // Text before a line of the module's own is a line the worker's programs left unfinished.
            string? marked = ModuleLine.Split(ref line, WorkerFailure.Prefix) ?? ModuleLine.Split(ref line, ConsoleSync.Prefix);
            if (marked != null && line.Length > 0)
            {
                Deliver(line);
            }

            if (WorkerFailure.TryParse(marked ?? string.Empty, out string reason))
            {
                _workerFault = reason;
            }
            else if (ConsoleSync.TryParse(marked ?? string.Empty, out long token) && _syncs.TryRemove(token, out ManualResetEventSlim? synced))
            {
                synced.Set();
            }
            else if (marked == null)
            {
                Deliver(line);
            }
        }

        private void Deliver(string line)
        {
            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }
            }

            _deliver(line);
        }
    }
}
