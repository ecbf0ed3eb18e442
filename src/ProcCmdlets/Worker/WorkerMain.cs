using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The worker process's main loop: it opens a runspace at once, tells the session it is ready,
    /// then runs what the channel asks for. It exits when the channel closes.
    /// </summary>
    public static class WorkerMain
    {
        private static FrameWriter s_writer;
        private static volatile PSDataCollection<object> s_scriptInput;
        private static volatile PowerShell s_current;
        private static volatile bool s_stopRequested;
        private static volatile WorkerExecutor s_executor;

        /// <summary>The worker loop inside a running PowerShell host (the pwsh bootstrap).</summary>
        public static int Run() => Run(engineStartsHere: false);

        /// <summary>
        /// The worker loop. <paramref name="engineStartsHere"/> is true in the bundled worker program,
        /// where no engine code has run yet, so the services the worker leaves out are never started.
        /// </summary>
        public static int Run(bool engineStartsHere)
        {
            if (Environment.GetEnvironmentVariable(Engine.WorkerLauncher.UnsetDiagnosticsVariable) != null)
            {
                Environment.SetEnvironmentVariable(Engine.WorkerLauncher.UnsetDiagnosticsVariable, null);
                Environment.SetEnvironmentVariable(Engine.WorkerLauncher.DiagnosticsVariable, null);
            }

            StdioChannel.Take(out Stream input, out Stream output);
            s_writer = new FrameWriter(output, "ProcCmdlets worker writer");

            // A script that calls [Environment]::Exit still gets what it wrote, and its item's end, to the session.
            AppDomain.CurrentDomain.ProcessExit += (s, e) => s_writer.Flush(TimeSpan.FromSeconds(2));
            var inbox = new BlockingCollection<Frame>();
            var reader = new Thread(() => ReadLoop(new FrameReader(input), inbox)) { IsBackground = true, Name = "ProcCmdlets worker reader" };
            reader.Start();

            StartTrace.Mark("channel");
            if (engineStartsHere)
            {
                EngineOptOut.Apply();
                StdioChannel.HostPipeLeftOut = true;
            }
            var host = new WorkerHost();
            var state = InitialSessionState.CreateDefault2();

            // A worker's objects are formatted in the session, not here: leaving out the default views
            // saves about a third of the engine's start.
            state.Formats.Clear();
            StartTrace.Mark("session state");
            Runspace runspace = RunspaceFactory.CreateRunspace(host, state);
            runspace.ThreadOptions = PSThreadOptions.ReuseThread;
            runspace.Open();
            StartTrace.Mark("runspace open");
            Runspace.DefaultRunspace = runspace;

            var ready = new PayloadWriter();
            ready.WriteVarUInt((ulong)Process.GetCurrentProcess().Id);
            ready.WriteString(PSVersionString(runspace));
            s_writer.Send(FrameKind.Ready, ready);

            var executor = new WorkerExecutor(runspace, host, s_writer, wait => inbox.TryTake(out Frame next, wait) ? next : (Frame?)null);
            s_executor = executor;
            StartTrace.Mark("ready");
            if (inbox.Count == 0)
            {
                // Nothing to do yet (a spare, or a pool waiting for work): compile the paths work will take.
                executor.WarmUp();
                StartTrace.Mark("warmed up");
            }
            while (true)
            {
                Frame frame = executor.TakeDeferred() ?? inbox.Take();
                int? exit = executor.Handle(frame, () => s_scriptInput, ps => s_current = ps, () => s_stopRequested);
                if (exit.HasValue)
                {
                    s_writer.Flush(TimeSpan.FromSeconds(10));
                    StdioChannel.HardExit(exit.Value);
                }
            }
        }

        /// <summary>Writes the marker straight to the console pipe (standard error), past any redirection of [Console]::Error.</summary>
        private static void WriteConsoleSync(long token)
        {
            try
            {
                using (Stream console = Console.OpenStandardError())
                {
                    byte[] bytes = System.Text.Encoding.UTF8.GetBytes(ConsoleSync.Line(token) + "\n");
                    console.Write(bytes, 0, bytes.Length);
                    console.Flush();
                }
            }
            catch (Exception)
            {
                // No console pipe: the session stops waiting after its timeout.
            }
        }

        private static string PSVersionString(Runspace runspace) =>
            (runspace.SessionStateProxy.GetVariable("PSVersionTable") as System.Collections.IDictionary)?["PSVersion"]?.ToString() ?? string.Empty;

        private static void ReadLoop(FrameReader reader, BlockingCollection<Frame> inbox)
        {
            try
            {
                while (reader.TryRead(out Frame frame))
                {
                    switch (frame.Kind)
                    {
                        case FrameKind.RunScript:
                            s_scriptInput = new PSDataCollection<object>();
                            inbox.Add(frame);
                            break;
                        case FrameKind.Input:
                            foreach (object value in WorkerSetup.ReadValues(frame.Reader()))
                            {
                                s_scriptInput?.Add(value);
                            }

                            break;
                        case FrameKind.InputEnd:
                            s_scriptInput?.Complete();
                            break;
                        case FrameKind.ConsoleSync:
                            WriteConsoleSync((long)frame.Reader().ReadVarUInt());
                            break;
                        case FrameKind.StopPipeline:
                            long chunk = frame.Payload.Length == 0 ? 0 : (long)frame.Reader().ReadVarUInt();
                            if (chunk == 0)
                            {
                                s_stopRequested = true;
                                s_current?.BeginStop(null, null);
                            }
                            else if (s_executor != null)
                            {
                                // A chunk still queued here is skipped when its turn comes.
                                s_executor.Cancel(chunk);
                                if (s_executor.CurrentChunkId == chunk)
                                {
                                    s_current?.BeginStop(null, null);
                                }
                            }

                            break;
                        default:
                            inbox.Add(frame);
                            break;
                    }
                }
            }
            catch (Exception)
            {
                // A malformed channel is treated as a closed one.
            }

            // The session is gone (or closed the channel): nothing is left to do.
            StdioChannel.HardExit(0);
        }
    }
}
