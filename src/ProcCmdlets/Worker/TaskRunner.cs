using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// A pool worker's work: its initialization, the tasks the session defines, and their chunks.
    /// One pipeline runs the chunks of a task for as long as the next one is already waiting.
    /// </summary>
    internal sealed class TaskRunner
    {
        /// <summary>How long a pipeline at the end of a chunk waits for the next chunk of its task.</summary>
        private static readonly TimeSpan NextChunkWait = TimeSpan.FromMilliseconds(20);

        /// <summary>
        /// What a pipeline of chunks runs: the task's wrapper. Script text given to AddScript is parsed
        /// and compiled on every call, so it is kept this small.
        /// </summary>
        internal const string RunWrapper = "param($__pcWrapper, $__pcFeed) & $__pcWrapper $__pcFeed";

        private const string CodeFailureVariable = "__pcCodeFailure";

        private readonly WorkerSession _session;
        private readonly Dictionary<long, DefinedTask> _tasks = new Dictionary<long, DefinedTask>();
        private readonly ConcurrentDictionary<long, bool> _cancelled = new ConcurrentDictionary<long, bool>();
        private readonly StreamRelay _relay;
        private readonly ItemFeed _feed;
        private Frame? _deferred;
        private ExceptionDispatchInfo? _malformed;

        public TaskRunner(WorkerSession session)
        {
            _session = session;
            _relay = new StreamRelay(session.Writer, includeErrorTargets: false);
            _feed = new ItemFeed(_relay);
        }

        /// <summary>
        /// What runs after a successful initialization, before InitDone: the warm-up's first step. A pool
        /// hands a worker work from its InitDone on and times each item from then, so the engine's first
        /// compiles (seconds on a busy machine) must come before it, not in the worker's first item's time.
        /// </summary>
        public Action? BeforeReady { get; set; }

        /// <summary>Runs the pool's initialization script; returns an exit code when the worker should end.</summary>
        public int? Init(PoolInit init)
        {
            var relay = new StreamRelay(_session.Writer, includeErrorTargets: true);
            bool ok;
            try
            {
                RunspaceSetup.Apply(_session.Runspace, init.Setup);
                _session.UseLanguageMode(init.LanguageMode);
                ok = init.InitScript == null || _session.Invoke(relay, init.InitScript, init.InitArgs, null);
            }
            catch (Exception e) when (!(e is InvalidDataException))
            {
                relay.SendError(new ErrorRecord(e, "WorkerSetupFailed", ErrorCategory.InvalidOperation, null));
                ok = false;
            }

            if (ok && !_session.Host.ExitCode.HasValue)
            {
                BeforeReady?.Invoke();
            }

            var done = new PayloadWriter();
            InitDone.Write(done, ok);
            _session.Writer.Send(FrameKind.InitDone, done);
            if (_session.Host.ExitCode.HasValue)
            {
                return _session.Host.ExitCode.Value;
            }

            return ok ? (int?)null : 1;
        }

        public void Define(DefineTask task)
        {
            // A script block takes the language mode the runspace has when it is made.
            _session.UseLanguageMode(task.LanguageMode);
            RunspaceSetup.SetVariables(_session.Runspace, task.Variables);
            ErrorRecord? notDefined = _session.Code.TakeFailure();
            if (notDefined != null)
            {
                // Each item of the task fails with the error that kept its functions or modules out.
                RunspaceSetup.SetVariables(_session.Runspace, new[] { new KeyValuePair<string, object?>(CodeFailureVariable, notDefined) });
                _tasks[task.Id] = new DefinedTask(TaskWrapper.For(TaskMode.Inline, "throw $global:" + CodeFailureVariable, task.LanguageMode), Array.Empty<object?>(), task.LanguageMode);
                return;
            }

            _tasks[task.Id] = new DefinedTask(TaskWrapper.For(task.Mode, task.Script, task.LanguageMode), task.Args, task.LanguageMode);
        }

        public void Drop(long taskId) => _tasks.Remove(taskId);

        /// <summary>Marks a chunk as no longer wanted (reader thread); true when it is the one running now.</summary>
        public bool Cancel(long chunkId)
        {
            _cancelled[chunkId] = true;
            return _relay.ChunkId == chunkId;
        }

        /// <summary>The shapes of the rows among the items the session sends; only the main thread, which reads the chunks, uses them.</summary>
        public ShapeTable InputShapes { get; } = new ShapeTable();

        /// <summary>Reads a RunChunk frame, whose items may name the shapes of <see cref="InputShapes"/>.</summary>
        public RunChunk ReadChunk(PayloadReader r)
        {
            ShapeTable.Current = InputShapes;
            try
            {
                return RunChunk.Read(r);
            }
            finally
            {
                ShapeTable.Current = null;
            }
        }

        /// <summary>Runs a chunk, and the task's chunks that follow it at once; returns an exit code when the worker should end.</summary>
        public int? Run(RunChunk chunk)
        {
            if (!_tasks.TryGetValue(chunk.TaskId, out DefinedTask task))
            {
                throw new System.IO.InvalidDataException($"A chunk came for task {chunk.TaskId}, which was never defined in this worker.");
            }

            if (_cancelled.TryRemove(chunk.ChunkId, out _))
            {
                _relay.SendChunkDone(chunk.ChunkId);
                return null;
            }

            _feed.Load(chunk.ChunkId, chunk.Items);
            _feed.Script = task.Wrapper.Script;
            _feed.Args = task.Args;
            _feed.LoadNext = () => LoadNextChunk(chunk.TaskId);
            _session.UseLanguageMode(task.LanguageMode);

            long before;
            do
            {
                before = _feed.Moves;
                int? exit = RunPipeline(task.Wrapper, out bool stopped);
                if (stopped)
                {
                    break;
                }

                if (exit.HasValue)
                {
                    return exit;
                }
            }
            while (!_feed.ChunkFinished && _feed.Moves > before);

            _feed.LoadNext = null;
            _cancelled.TryRemove(_feed.ChunkId, out _);
            _feed.FinishChunk();

            // A frame the running pipeline took and could not read ends the worker as any other does
            // (WorkerSession.HandleOrFail); swallowed, its chunk would never be answered.
            ExceptionDispatchInfo? malformed = _malformed;
            _malformed = null;
            malformed?.Throw();
            return null;
        }

        /// <summary>
        /// Runs one pipeline of the task's wrapper over the feed: <paramref name="stopped"/> when it was
        /// stopped; the exit code when a script asked the process to exit.
        /// </summary>
        private int? RunPipeline(TaskWrapper wrapper, out bool stopped)
        {
            stopped = false;
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = _session.Runspace;
                ps.AddScript(RunWrapper).AddArgument(wrapper.Wrapper).AddArgument(_feed);
                _relay.Attach(ps);
                _session.Current = ps;
                try
                {
                    ps.Invoke(null, _relay.Output);
                }
                catch (PipelineStoppedException)
                {
                    stopped = true;
                    return null;
                }
                catch (RuntimeException e)
                {
                    // A flow-control statement or an error outside any item's try/catch.
                    _feed.Fail(WorkerSession.Unwrap(e));
                }
                finally
                {
                    _session.Current = null;
                }

                return _session.Host.ExitCode;
            }
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
                Frame? taken = _session.TakeNext(NextChunkWait);
                if (taken == null)
                {
                    return false;
                }

                Frame next = taken.Value;
                if (next.Kind != FrameKind.RunChunk && next.Kind != FrameKind.InputShapes)
                {
                    _deferred = next;
                    return false;
                }

                RunChunk chunk;
                try
                {
                    if (next.Kind == FrameKind.InputShapes)
                    {
                        // The shapes of the items of a chunk that follows.
                        InputShapes.Define(next.Reader());
                        continue;
                    }

                    chunk = ReadChunk(next.Reader(_session.Shared));
                }
                catch (Exception e) when (e is InvalidDataException || e is KeyNotFoundException)
                {
                    // Thrown here, inside the pipeline's enumeration, it would become the item's error.
                    _malformed = ExceptionDispatchInfo.Capture(e);
                    return false;
                }

                if (chunk.TaskId != taskId)
                {
                    _deferred = next;
                    return false;
                }

                if (_cancelled.TryRemove(chunk.ChunkId, out _))
                {
                    _relay.SendChunkDone(chunk.ChunkId);
                    continue;
                }

                _feed.Load(chunk.ChunkId, chunk.Items);
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

        private sealed class DefinedTask
        {
            public DefinedTask(TaskWrapper wrapper, object?[] args, PSLanguageMode languageMode)
            {
                Wrapper = wrapper;
                Args = args;
                LanguageMode = languageMode;
            }

            /// <summary>The language mode of the session that defined the task, which its chunks run in.</summary>
            public PSLanguageMode LanguageMode { get; }

            public TaskWrapper Wrapper { get; }

            public object?[] Args { get; }
        }
    }
}
