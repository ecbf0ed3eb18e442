using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Worker
{
    /// <summary>Runs one channel request in the worker's runspace.</summary>
    internal sealed class WorkerExecutor
    {
        /// <summary>Exit code of a worker whose pipeline was stopped on request (as after SIGTERM).</summary>
        public const int StoppedExitCode = 143;

        private readonly Runspace _runspace;
        private readonly WorkerHost _host;
        private readonly FrameWriter _writer;
        private readonly Dictionary<long, PoolTask> _tasks = new Dictionary<long, PoolTask>();
        private readonly StreamRelay _poolRelay;
        private readonly ItemFeed _feed;
        private readonly Func<TimeSpan, Frame?> _takeNext;
        private Frame? _deferred;

        /// <summary>How long a pipeline at the end of a chunk waits for the next chunk of its task.</summary>
        private static readonly TimeSpan NextChunkWait = TimeSpan.FromMilliseconds(20);

        public WorkerExecutor(Runspace runspace, WorkerHost host, FrameWriter writer, Func<TimeSpan, Frame?> takeNext)
        {
            _takeNext = takeNext;
            _runspace = runspace;
            _host = host;
            _writer = writer;
            _poolRelay = new StreamRelay(writer, includeErrorTargets: false);
            _feed = new ItemFeed(_poolRelay);
        }

        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> _cancelled = new System.Collections.Concurrent.ConcurrentDictionary<long, bool>();

        /// <summary>Runs a small script through the same paths as real work, writing to nowhere, in its own scope.</summary>
        public void WarmUp()
        {
            using (var sink = new FrameWriter(Stream.Null, "ProcCmdlets warm-up"))
            using (PowerShell ps = PowerShell.Create())
            {
                var relay = new StreamRelay(sink, includeErrorTargets: true);
                ps.Runspace = _runspace;
                ps.AddScript("param($x) $x | & { process { [pscustomobject]@{ Value = $_ * 2; Name = \"n$_\" }; $_ } }", useLocalScope: true).AddArgument(1);
                relay.Attach(ps);
                try
                {
                    ps.Invoke(null, relay.Output);
                }
                catch (RuntimeException)
                {
                }

                var payload = new PayloadWriter();
                WorkerSetup.WriteValues(payload, new object[] { 1, "s", 2.5, new object[] { 1 } });
                WorkerSetup.ReadValues(new PayloadReader(payload.ToArray()));
            }
        }

        /// <summary>Marks a chunk as no longer wanted (called from the reader thread).</summary>
        public void Cancel(long chunkId) => _cancelled[chunkId] = true;

        /// <summary>The chunk now running (0 when none).</summary>
        public long CurrentChunkId => _poolRelay.ChunkId;

        /// <summary>Handles a frame; returns an exit code when the process should end.</summary>
        public int? Handle(Frame frame, Func<PSDataCollection<object>> scriptInput, Action<PowerShell> setCurrent, Func<bool> stopRequested)
        {
            PayloadReader r = frame.Reader();
            switch (frame.Kind)
            {
                case FrameKind.RunScript:
                    return RunScript(r, scriptInput(), setCurrent, stopRequested);
                case FrameKind.PoolInit:
                    return PoolInit(r);
                case FrameKind.DefineTask:
                    DefineTask(r);
                    return null;
                case FrameKind.RunChunk:
                    return RunChunk(r, setCurrent);
                case FrameKind.DropTask:
                    _tasks.Remove((long)r.ReadVarUInt());
                    return null;
                default:
                    throw new InvalidDataException($"Unexpected frame {frame.Kind} in a worker.");
            }
        }

        private void Apply(WorkerSetup setup)
        {
            foreach (var pair in setup.Environment)
            {
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }

            if (setup.WorkingDirectory != null)
            {
                Directory.SetCurrentDirectory(setup.WorkingDirectory);
                _runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(setup.WorkingDirectory));
            }

            SetVariables(setup.Variables);
        }

        private void SetVariables(IEnumerable<KeyValuePair<string, object>> variables)
        {
            foreach (var pair in variables)
            {
                object value = pair.Value;
                if (value is string text && pair.Key.EndsWith("Preference", StringComparison.Ordinal)
                    && Enum.TryParse(text, out ActionPreference preference))
                {
                    value = preference;
                }

                _runspace.SessionStateProxy.SetVariable(pair.Key, value);
            }
        }

        private int? RunScript(PayloadReader r, PSDataCollection<object> input, Action<PowerShell> setCurrent, Func<bool> stopRequested)
        {
            var relay = new StreamRelay(_writer, includeErrorTargets: true);
            int exitCode = 0;
            try
            {
                Apply(WorkerSetup.Read(r));
                string script = r.ReadString();
                string init = r.ReadString();
                object[] args = WorkerSetup.ReadValues(r);
                bool hasInput = r.ReadBool();
                if (!hasInput)
                {
                    input.Complete();
                }

                if (stopRequested())
                {
                    exitCode = StoppedExitCode;
                }
                else if (init != null && !Invoke(relay, init, null, null, setCurrent))
                {
                    exitCode = 1;
                }
                else if (stopRequested() || !Invoke(relay, script, args, input, setCurrent))
                {
                    exitCode = 1;
                }
            }
            catch (Exception e) when (!(e is InvalidDataException))
            {
                relay.SendError(new ErrorRecord(e, "WorkerSetupFailed", ErrorCategory.InvalidOperation, null));
                exitCode = 1;
            }

            if (_host.ExitCode.HasValue)
            {
                exitCode = _host.ExitCode.Value;
            }
            else if (stopRequested())
            {
                exitCode = StoppedExitCode;
            }

            var done = new PayloadWriter();
            done.WriteVarInt(exitCode);
            _writer.Send(FrameKind.ScriptDone, done);
            return exitCode;
        }

        /// <summary>Runs a script in the global scope; false after a terminating error (already relayed).</summary>
        private bool Invoke(StreamRelay relay, string script, object[] args, PSDataCollection<object> input, Action<PowerShell> setCurrent)
        {
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = _runspace;
                ps.AddScript(script);
                foreach (object arg in args ?? new object[0])
                {
                    ps.AddArgument(arg);
                }

                relay.Attach(ps);
                setCurrent(ps);
                try
                {
                    if (input != null)
                    {
                        ps.Invoke(input, relay.Output);
                    }
                    else
                    {
                        ps.Invoke(null, relay.Output);
                    }

                    return !_host.ExitCode.HasValue;
                }
                catch (RuntimeException e)
                {
                    if (!(e is PipelineStoppedException))
                    {
                        relay.SendError(Unwrap(e));
                    }

                    return false;
                }
                finally
                {
                    setCurrent(null);
                }
            }
        }

        private static ErrorRecord Unwrap(RuntimeException e) =>
            e.ErrorRecord.Exception is ParentContainsErrorRecordException ? new ErrorRecord(e.ErrorRecord, e) : e.ErrorRecord;

        private int? PoolInit(PayloadReader r)
        {
            var relay = new StreamRelay(_writer, includeErrorTargets: true);
            bool ok;
            try
            {
                Apply(WorkerSetup.Read(r));
                string init = r.ReadString();
                object[] args = WorkerSetup.ReadValues(r);
                ok = init == null || Invoke(relay, init, args, null, _ => { });
            }
            catch (Exception e) when (!(e is InvalidDataException))
            {
                relay.SendError(new ErrorRecord(e, "WorkerSetupFailed", ErrorCategory.InvalidOperation, null));
                ok = false;
            }

            var done = new PayloadWriter();
            done.WriteBool(ok);
            _writer.Send(FrameKind.InitDone, done);
            if (_host.ExitCode.HasValue)
            {
                return _host.ExitCode.Value;
            }

            return ok ? (int?)null : 1;
        }

        private void DefineTask(PayloadReader r)
        {
            long id = (long)r.ReadVarUInt();
            var mode = (TaskMode)r.ReadByte();
            string script = r.ReadString();
            var variables = WorkerSetup.ReadVariables(r);
            object[] args = WorkerSetup.ReadValues(r);
            SetVariables(variables);
            _tasks[id] = new PoolTask(mode, script, args);
        }

        private int? RunChunk(PayloadReader r, Action<PowerShell> setCurrent)
        {
            long taskId = (long)r.ReadVarUInt();
            long chunkId = (long)r.ReadVarUInt();
            object[] items = WorkerSetup.ReadValues(r);
            PoolTask task = _tasks[taskId];
            if (_cancelled.TryRemove(chunkId, out _))
            {
                _poolRelay.SendChunkDone(chunkId);
                return null;
            }

            _feed.Load(chunkId, items);
            _feed.Script = task.Script;
            _feed.Args = task.Args;
            _feed.LoadNext = () => LoadNextChunk(taskId);

            long before;
            do
            {
                before = _feed.Moves;
                using (PowerShell ps = PowerShell.Create())
                {
                    ps.Runspace = _runspace;
                    ps.AddScript(RunWrapper).AddArgument(task.Wrapper).AddArgument(_feed);
                    _poolRelay.Attach(ps);
                    setCurrent(ps);
                    try
                    {
                        ps.Invoke(null, _poolRelay.Output);
                    }
                    catch (PipelineStoppedException)
                    {
                        break;
                    }
                    catch (RuntimeException e)
                    {
                        // A flow-control statement or an error outside any item's try/catch.
                        _poolRelay.SendError(Unwrap(e));
                    }
                    finally
                    {
                        setCurrent(null);
                    }

                    if (_host.ExitCode.HasValue)
                    {
                        return _host.ExitCode.Value;
                    }
                }
            }
            while (!_feed.ChunkFinished && _feed.Moves > before);

            _feed.LoadNext = null;
            _cancelled.TryRemove(_feed.ChunkId, out _);
            _feed.FinishChunk();
            return null;
        }

        /// <summary>
        /// Called by the feed at the end of a chunk: takes the next frame if it comes within a moment
        /// and, when it is a chunk of the same task, loads it into the feed, so the running pipeline
        /// goes on with it. Any other frame waits for the main loop.
        /// </summary>
        private bool LoadNextChunk(long taskId)
        {
            _cancelled.TryRemove(_feed.ChunkId, out _);
            while (_deferred == null)
            {
                Frame? taken = _takeNext(NextChunkWait);
                if (taken == null)
                {
                    return false;
                }

                Frame next = taken.Value;
                if (next.Kind != FrameKind.RunChunk)
                {
                    _deferred = next;
                    return false;
                }

                PayloadReader r = next.Reader();
                if ((long)r.ReadVarUInt() != taskId)
                {
                    _deferred = next;
                    return false;
                }

                long chunkId = (long)r.ReadVarUInt();
                object[] items = WorkerSetup.ReadValues(r);
                if (_cancelled.TryRemove(chunkId, out _))
                {
                    _poolRelay.SendChunkDone(chunkId);
                    continue;
                }

                _feed.Load(chunkId, items);
                return true;
            }

            return false;
        }

        /// <summary>A frame taken by a running pipeline that is not for it (the main loop handles it next).</summary>
        public Frame? TakeDeferred()
        {
            Frame? frame = _deferred;
            _deferred = null;
            return frame;
        }

        /// <summary>
        /// What a pipeline of chunks runs: the task's wrapper, a script block compiled once per task.
        /// Script text given to AddScript is parsed and compiled on every call, so it is kept this small;
        /// it runs once per run of chunks, not once per chunk.
        /// </summary>
        private const string RunWrapper = "param($__pcWrapper, $__pcFeed) & $__pcWrapper $__pcFeed";

        /// <summary>
        /// A task's script blocks, kept by script text: a map run again with the same script reuses
        /// what the engine compiled for it (its loops especially) instead of compiling it afresh.
        /// </summary>
        private sealed class CompiledTask
        {
            private const string Catch = "} catch { $__pcFeed.Fail($_) } } while ($false) } }";
            private const int CacheLimit = 64;
            private static readonly Dictionary<(TaskMode, string), CompiledTask> Cache = new Dictionary<(TaskMode, string), CompiledTask>();

            private CompiledTask(TaskMode mode, string script)
            {
                string wrapper;
                switch (mode)
                {
                    case TaskMode.Inline:
                        wrapper = "param($__pcFeed)\n$__pcFeed | & { process { do { try {\n" + script + "\n" + Catch;
                        break;
                    case TaskMode.Positional:
                        Script = ScriptBlock.Create(script);
                        wrapper = "param($__pcFeed)\n$__pcS = $__pcFeed.Script; $__pcA = $__pcFeed.Args\n$__pcFeed | & { process { do { try { & $__pcS $_ @__pcA " + Catch;
                        break;
                    case TaskMode.Splat:
                        Script = ScriptBlock.Create(script);
                        wrapper = "param($__pcFeed)\n$__pcS = $__pcFeed.Script; $__pcA = $__pcFeed.Args\n$__pcFeed | & { process { do { try { $__pcI = $_; & $__pcS @__pcI @__pcA " + Catch;
                        break;
                    default:
                        Script = ScriptBlock.Create(script);
                        wrapper = "param($__pcFeed)\n$__pcS = $__pcFeed.Script; $__pcA = $__pcFeed.Args\n$__pcFeed | & { process { do { try { & $__pcS @__pcA " + Catch;
                        break;
                }

                Wrapper = ScriptBlock.Create(wrapper);
            }

            public ScriptBlock Wrapper { get; }

            public ScriptBlock Script { get; }

            public static CompiledTask For(TaskMode mode, string script)
            {
                if (!Cache.TryGetValue((mode, script), out CompiledTask compiled))
                {
                    if (Cache.Count >= CacheLimit)
                    {
                        Cache.Clear();
                    }

                    compiled = new CompiledTask(mode, script);
                    Cache[(mode, script)] = compiled;
                }

                return compiled;
            }
        }

        private sealed class PoolTask
        {
            public PoolTask(TaskMode mode, string script, object[] args)
            {
                CompiledTask compiled = CompiledTask.For(mode, script);
                Wrapper = compiled.Wrapper;
                Script = compiled.Script;
                Args = args;
            }

            public ScriptBlock Wrapper { get; }

            public ScriptBlock Script { get; }

            public object[] Args { get; }
        }
    }
}
