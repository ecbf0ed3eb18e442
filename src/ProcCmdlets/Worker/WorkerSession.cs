using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// One worker process's life: it moves the channel aside, opens a runspace, greets the session,
    /// then runs what the channel asks for until the channel closes. Frames that must act while a
    /// script runs (input, stop, console sync) are handled on the reader thread; the rest run in
    /// order on the main thread.
    /// </summary>
    internal sealed class WorkerSession
    {
        private readonly BlockingCollection<Frame> _inbox = new BlockingCollection<Frame>();
        private volatile PSDataCollection<object?>? _scriptInput;
        private volatile PowerShell? _current;
        private readonly object _stopGate = new object();
        private volatile bool _stopRequested;

        // Set first thing in Run, before the reader thread starts and before anything else reads them.
        private TaskRunner _tasks = null!;
        private WorkerShared _shared = null!;

        /// <summary>The channel to the session.</summary>
        public FrameWriter Writer { get; private set; } = null!;

        /// <summary>The runspace every script of this worker runs in.</summary>
        public Runspace Runspace { get; private set; } = null!;

        /// <summary>The worker's side of shared objects: frames from the session that carry values are read with it.</summary>
        public WorkerShared Shared => _shared;

        public WorkerHost Host { get; } = new WorkerHost();

        /// <summary>The session's functions and modules defined here so far.</summary>
        public WorkerCode Code { get; } = new WorkerCode();

        /// <summary>A stop of the one-off script was asked for.</summary>
        public bool StopRequested => _stopRequested;

        /// <summary>The pipeline now running, which a StopPipeline frame stops.</summary>
        public PowerShell? Current
        {
            set
            {
                lock (_stopGate)
                {
                    _current = value;
                    _shared.Stopping = false;
                }
            }
        }

        /// <summary>The channel may start with a UTF-8 byte-order mark (a .NET Framework session writes one).</summary>
        public bool SkipByteOrderMark { get; set; }

        /// <summary>Runs the worker until the channel closes or a script ends the process; never returns.</summary>
        public int Run(bool engineStartsHere)
        {
            Connect(engineStartsHere);
            _tasks = new TaskRunner(this);
            StartTrace.Mark("ready");
            return Serve();
        }

        /// <summary>Takes the channel, starts its reader, opens the runspace and greets the session.</summary>
        private void Connect(bool engineStartsHere)
        {
            LaunchEnvironment.Restore();
            ProcessGroup.Lead();
            StdioChannel.Take(out Stream input, out Stream output);
            Writer = new FrameWriter(output, "ProcCmdlets worker writer");
            _shared = new WorkerShared(Writer);

            // A script that calls [Environment]::Exit still gets what it wrote, and its item's end, to the session.
            AppDomain.CurrentDomain.ProcessExit += (s, e) => Writer.Flush();
            new System.Threading.Thread(() => ReadLoop(new FrameReader(SkipByteOrderMark ? ByteOrderMark.Skip(input) : input))) { IsBackground = true, Name = "ProcCmdlets worker reader" }.Start();

            StartTrace.Mark("channel");
            if (engineStartsHere)
            {
                EngineOptOut.Apply();
                StdioChannel.HostPipeLeftOut = true;
            }

            OpenRunspace();
            var hello = new PayloadWriter();
            Hello.ForThisProcess(PSVersionString(), Process.GetCurrentProcess().Id).Write(hello);
            Writer.Send(FrameKind.Hello, hello);
        }

        /// <summary>Handles the main thread's frames in order, warming up while none comes; never returns.</summary>
        private int Serve()
        {
            int warmStep = 0;
            using (var warmUp = new WorkerWarmUp(this))
            {
                // The loops are left for later, as they are when work is already waiting.
                _tasks.BeforeReady = () => { if (warmStep == 0) { warmUp.Run(warmStep++, () => true); } };

                while (true)
                {
                    Frame? next = _tasks.TakeDeferred();
                    if (next == null && warmStep < WorkerWarmUp.Steps)
                    {
                        // Nothing to do yet (a spare, or a pool that has run its set-up and waits for work):
                        // compile the paths work will take, giving way as soon as work arrives.
                        next = TakeNext(warmStep == 0 ? TimeSpan.Zero : WorkerWarmUp.CountingDelay);
                        if (next == null)
                        {
                            warmUp.Run(warmStep++, () => _inbox.Count > 0);
                            StartTrace.Mark("warm-up step " + warmStep);
                            continue;
                        }
                    }

                    Frame frame = next ?? _inbox.Take();
                    int? exit = HandleOrFail(frame);
                    _shared.ReturnIdleLeases();
                    if (exit.HasValue)
                    {
                        // What the last item wrote reaches the session before the process ends, however slowly it reads.
                        Writer.Flush();
                        StdioChannel.HardExit(exit.Value);
                    }
                }
            }
        }

        private void OpenRunspace()
        {
            var state = InitialSessionState.CreateDefault2();
            state.LanguageMode = SystemLockdown.Limit(PSLanguageMode.FullLanguage);

            // A worker's objects are formatted in the session, not here: leaving out the default views
            // saves about a third of the engine's start.
            state.Formats.Clear();
            StartTrace.Mark("session state");
            Runspace = RunspaceFactory.CreateRunspace(Host, state);
            Runspace.ThreadOptions = PSThreadOptions.ReuseThread;
            WorkerApartment.Apply(Runspace, Channel.OSFamilies.Current);
            Runspace.Open();
            StartTrace.Mark("runspace open");
            Runspace.DefaultRunspace = Runspace;
        }

        /// <summary>The language mode scripts run in now.</summary>
        public PSLanguageMode LanguageMode => Runspace.SessionStateProxy.LanguageMode;

        /// <summary>
        /// Sets the language mode the next scripts run in: the session's, sent with every frame that
        /// runs its code, and never more than the system's lockdown allows.
        /// </summary>
        public void UseLanguageMode(PSLanguageMode mode) => SystemLockdown.Use(Runspace, mode);

        /// <summary>As <see cref="Handle"/>; a frame the worker cannot act on ends the worker, saying why.</summary>
        private int? HandleOrFail(Frame frame)
        {
            try
            {
                return Handle(frame);
            }
            catch (Exception e) when (e is InvalidDataException || e is System.Collections.Generic.KeyNotFoundException)
            {
                Fail($"the session's {frame.Kind} frame could not be handled: {e.Message}");
                return null;
            }
        }

        /// <summary>
        /// Ends the worker for a channel it cannot trust: what is queued goes first, then the reason goes
        /// to the console pipe, where the session reads it (<see cref="WorkerFailure"/>).
        /// </summary>
        private void Fail(string reason)
        {
            Writer.Flush();
            ConsolePipe.WriteLine(WorkerFailure.Line(reason));
            StdioChannel.HardExit(WorkerFailure.ExitCode, endProgramGroup: true);
        }

        /// <summary>Handles a frame on the main thread; returns an exit code when the process should end.</summary>
        private int? Handle(Frame frame)
        {
            PayloadReader r = frame.Reader(_shared);
            switch (frame.Kind)
            {
                case FrameKind.RunScript:
                    // The reader thread made the script's input before it queued the RunScript.
                    return new ScriptRunner(this).Run(RunScript.Read(r), _scriptInput!);
                case FrameKind.PoolInit:
                    return _tasks.Init(PoolInit.Read(r));
                case FrameKind.DefineTask:
                    _tasks.Define(DefineTask.Read(r));
                    return null;
                case FrameKind.RunChunk:
                    return _tasks.Run(_tasks.ReadChunk(r));
                case FrameKind.InputShapes:
                    _tasks.InputShapes.Define(r);
                    return null;
                case FrameKind.DefineCode:
                    DefineCode code = DefineCode.Read(r);
                    UseLanguageMode(code.LanguageMode);
                    Code.Apply(this, code);
                    return null;
                case FrameKind.DropTask:
                    _tasks.Drop(Marker.Read(r));
                    return null;
                default:
                    throw new InvalidDataException($"Unexpected frame {frame.Kind} in a worker.");
            }
        }

        /// <summary>The next frame for the main thread if one comes within <paramref name="wait"/>.</summary>
        public Frame? TakeNext(TimeSpan wait) => _inbox.TryTake(out Frame next, wait) ? next : (Frame?)null;

        private void ReadLoop(FrameReader reader)
        {
            try
            {
                while (reader.TryRead(out Frame frame))
                {
                    switch (frame.Kind)
                    {
                        case FrameKind.RunScript:
                            _scriptInput = new PSDataCollection<object?>();
                            _inbox.Add(frame);
                            break;
                        case FrameKind.Input:
                            foreach (object? value in InputValues.Read(frame.Reader(_shared)))
                            {
                                _scriptInput?.Add(value);
                            }

                            break;
                        case FrameKind.InputEnd:
                            _scriptInput?.Complete();
                            break;
                        case FrameKind.ConsoleSync:
                            ConsolePipe.WriteLine(ConsoleSync.Line(Marker.Read(frame.Reader())));
                            break;
                        case FrameKind.StopPipeline:
                            // A pipeline held back by the session must be able to reach its stop.
                            Writer.SetPaused(false);
                            Stop(Marker.Read(frame.Reader()));
                            break;
                        case FrameKind.SharedReply:
                        case FrameKind.SharedRevoke:
                            _shared.Deliver(frame);
                            break;
                        case FrameKind.PauseRecords:
                            Writer.SetPaused(true);
                            break;
                        case FrameKind.ResumeRecords:
                            Writer.SetPaused(false);
                            break;
                        default:
                            _inbox.Add(frame);
                            break;
                    }
                }
            }
            catch (Exception e)
            {
                // A malformed channel cannot be trusted further; the session learns why from the console pipe.
                Fail("the channel from the session is corrupt: " + e.Message);
            }

            // The session is gone (or closed the channel): nothing is left to do.
            StdioChannel.HardExit(0, endProgramGroup: true);
        }

        private void Stop(long chunkId)
        {
            if (chunkId == 0)
            {
                _stopRequested = true;
                StopCurrent();
            }
            else if (_tasks != null && _tasks.Cancel(chunkId))
            {
                // The chunk is running now; one still queued here is skipped when its turn comes.
                StopCurrent();
            }
        }

        /// <summary>Stops the running pipeline; its shared-object calls, waiting or made until it ends, are withdrawn.</summary>
        private void StopCurrent()
        {
            PowerShell? current;
            lock (_stopGate)
            {
                current = _current;
                _shared.Stopping = current != null; // only while a pipeline runs: its end clears the mark
            }

            current?.BeginStop(null, null);
            _shared.Interrupt();
        }

        private string PSVersionString() =>
            (Runspace.SessionStateProxy.GetVariable("PSVersionTable") as System.Collections.IDictionary)?["PSVersion"]?.ToString() ?? string.Empty;

        /// <summary>Runs a script in the global scope; false after a terminating error (already relayed) or <c>exit</c>.</summary>
        public bool Invoke(StreamRelay relay, string script, object?[]? args, PSDataCollection<object?>? input)
        {
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = Runspace;
                ps.AddScript(script);
                foreach (object? arg in args ?? Array.Empty<object?>())
                {
                    ps.AddArgument(arg);
                }

                relay.Attach(ps);
                Current = ps;
                try
                {
                    ps.Invoke(input, relay.Output);
                    return !Host.ExitCode.HasValue;
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
                    Current = null;
                }
            }
        }

        /// <summary>The error a terminating exception carries, as the script would have seen it.</summary>
        public static ErrorRecord Unwrap(RuntimeException e) =>
            e.ErrorRecord.Exception is ParentContainsErrorRecordException ? new ErrorRecord(e.ErrorRecord, e) : e.ErrorRecord;
    }
}
