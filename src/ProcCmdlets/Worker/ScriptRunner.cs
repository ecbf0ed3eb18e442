using System;
using System.IO;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>Runs the one-off script of a worker process (Start-WorkerProcess), then reports its exit code.</summary>
    internal sealed class ScriptRunner
    {
        /// <summary>Exit code of a worker whose pipeline was stopped on request (as after SIGTERM).</summary>
        public const int StoppedExitCode = 143;

        private readonly WorkerSession _session;

        public ScriptRunner(WorkerSession session)
        {
            _session = session;
        }

        public int Run(RunScript request, PSDataCollection<object?> input)
        {
            var relay = new StreamRelay(_session.Writer, includeErrorTargets: true);
            int exitCode = 0;
            try
            {
                RunspaceSetup.Apply(_session.Runspace, request.Setup);
                _session.UseLanguageMode(request.LanguageMode);
                if (!request.HasInput)
                {
                    input.Complete();
                }

                ErrorRecord? notDefined = _session.Code.TakeFailure();
                if (_session.StopRequested)
                {
                    exitCode = StoppedExitCode;
                }
                else if (notDefined != null)
                {
                    relay.SendError(notDefined);
                    exitCode = 1;
                }
                else if (request.InitScript != null && !_session.Invoke(relay, request.InitScript, null, null))
                {
                    exitCode = 1;
                }
                else if (_session.StopRequested || !_session.Invoke(relay, request.Script, request.Args, input))
                {
                    exitCode = 1;
                }
            }
            catch (Exception e) when (!(e is InvalidDataException))
            {
                relay.SendError(new ErrorRecord(e, "WorkerSetupFailed", ErrorCategory.InvalidOperation, null));
                exitCode = 1;
            }

            if (_session.Host.ExitCode.HasValue)
            {
                exitCode = _session.Host.ExitCode.Value;
            }
            else if (_session.StopRequested)
            {
                exitCode = StoppedExitCode;
            }

            var done = new PayloadWriter();
            Marker.Write(done, exitCode);
            _session.Writer.Send(FrameKind.ScriptDone, done);
            return exitCode;
        }
    }
}
