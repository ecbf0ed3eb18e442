using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Console text that a transport has already split into lines; ReadLine blocks until one comes,
    /// ReadLineAsync waits without a thread; both give null at the end. One reader at a time.
    /// </summary>
    internal sealed class LineQueueReader : TextReader
    {
        private readonly object _lock = new object();
        private readonly Queue<string> _lines = new Queue<string>();
        private TaskCompletionSource<string?>? _waiting;
        private bool _completed;

        public void Add(string line)
        {
            TaskCompletionSource<string?>? waiting;
            lock (_lock)
            {
                if (_completed)
                {
                    return;
                }

                waiting = _waiting;
                _waiting = null;
                if (waiting == null)
                {
                    _lines.Enqueue(line);
                    Monitor.PulseAll(_lock);
                }
            }

            waiting?.TrySetResult(line);
        }

        public void Complete()
        {
            TaskCompletionSource<string?>? waiting;
            lock (_lock)
            {
                _completed = true;
                waiting = _waiting;
                _waiting = null;
                Monitor.PulseAll(_lock);
            }

            waiting?.TrySetResult(null);
        }

        public override string? ReadLine()
        {
            lock (_lock)
            {
                while (_lines.Count == 0 && !_completed)
                {
                    Monitor.Wait(_lock);
                }

                return _lines.Count > 0 ? _lines.Dequeue() : null;
            }
        }

        public override Task<string?> ReadLineAsync()
        {
            lock (_lock)
            {
                if (_lines.Count > 0)
                {
                    return Task.FromResult<string?>(_lines.Dequeue());
                }

                if (_completed)
                {
                    return Task.FromResult<string?>(null);
                }

                // The line's consumer runs on the thread pool, never inside the transport's Add.
                _waiting = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
                return _waiting.Task;
            }
        }
    }
}
