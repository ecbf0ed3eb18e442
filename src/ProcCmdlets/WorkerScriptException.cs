using System.Management.Automation;

namespace ProcCmdlets
{
    /// <summary>An error raised by a script in a worker process, as the session receives it.</summary>
    public sealed class WorkerScriptException : RuntimeException
    {
        /// <summary>The error as the worker reported it: its message, the exception's type name there, and where in the script it happened.</summary>
        public WorkerScriptException(string? message, string? workerExceptionType, string? scriptStackTrace, string? positionMessage)
            : base(message)
        {
            WorkerExceptionType = workerExceptionType;
            WorkerScriptStackTrace = scriptStackTrace;
            PositionMessage = positionMessage;
        }

        /// <summary>The full name of the exception's type in the worker.</summary>
        public string? WorkerExceptionType { get; }

        /// <summary>The script stack trace in the worker.</summary>
        public string? WorkerScriptStackTrace { get; }

        /// <summary>Where in the script the error happened.</summary>
        public string? PositionMessage { get; }
    }
}
