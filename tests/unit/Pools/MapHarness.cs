using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Pools;
using ProcCmdlets.Records;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>Runs maps on a pool of fake workers as Invoke-ProcessPoolMap's driver does, collecting what it would write.</summary>
    internal sealed class MapHarness : IDisposable, IRecordSink
    {
        public MapHarness(FakeTransport transport, int workers, int maxTasksPerWorker = 0)
        {
            Transport = transport;
            Pool = new WorkerPool("Fake", workers, maxTasksPerWorker, new WorkerSetup(), null, null, new IWorkerTransport[] { transport }, null);
            Pool.Start();
        }

        public FakeTransport Transport { get; }

        public WorkerPool Pool { get; }

        public List<object?> Output { get; } = new List<object?>();

        /// <summary>The result of the last map.</summary>
        public MapResult? LastResult { get; private set; }

        public List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();

        /// <summary>Output and errors in the order they were written.</summary>
        public List<object?> Written { get; } = new List<object?>();

        public void Write(StreamKind stream, object? record)
        {
            Written.Add(record);
            if (stream == StreamKind.Output)
            {
                Output.Add(record);
            }
            else if (stream == StreamKind.Error)
            {
                Errors.Add(Assert.IsType<ErrorRecord>(record));
            }
        }

        public MapHarness Map(IEnumerable<object> items, int chunkSize = 0, int timeoutSeconds = 0, bool unordered = false, int limitSeconds = 30, byte[]? code = null)
        {
            var task = new PoolTask(Pool.NextTaskId(), TaskMode.Inline, "$_", new(), null, PSLanguageMode.FullLanguage) { Code = code };
            var result = new MapResult(task, chunkSize, timeoutSeconds, unordered);
            LastResult = result;
            Pool.Register(result);
            try
            {
                var encoded = new List<KeyValuePair<object, byte[]>>();
                foreach (object item in items)
                {
                    var w = new PayloadWriter();
                    ValueCodec.Write(w, item);
                    encoded.Add(new KeyValuePair<object, byte[]>(item, w.ToArray()));
                }

                // All at once, so that a worker becoming ready meanwhile cannot take a chunk of only the first items.
                Pool.Change(() =>
                {
                    foreach (var pair in encoded)
                    {
                        result.Pending.Add(result.Submitted++, pair.Key, pair.Value);
                    }

                    result.InputComplete = true;
                });
                DateTime deadline = DateTime.UtcNow.AddSeconds(limitSeconds);
                while (!result.AllFinished)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"The map did not finish within {limitSeconds} s ({result.Finished} of {result.Submitted} items).");
                    }

                    result.Wait(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                    result.Drain(this, e => throw e.Exception);
                    Pool.Supervisor.CheckTimeouts();
                }

                result.Drain(this, e => throw e.Exception);
            }
            finally
            {
                Pool.Unregister(result);
            }

            return this;
        }

        public void Dispose() => Pool.Terminate();
    }
}
