using System;
using System.Management.Automation;

namespace ProcCmdlets.Records
{
    /// <summary>
    /// Every ErrorRecord the session side makes is made here: typed exception, stable id, exact
    /// category, target (the session's <c>ValueNotCarried</c> errors too, through <see cref="NotCarried"/>).
    /// The worker side uses only the channel, so it makes its own few in Worker/: <c>ValueNotCarried</c>
    /// for an output it cannot carry (<c>StreamRelay</c>), <c>WorkerSetupFailed</c> (<c>ScriptRunner</c>,
    /// <c>TaskRunner</c>), and the record of a terminating error whose exception the engine wrapped
    /// (<c>WorkerSession.Unwrap</c>); <c>RecordCodec</c> rebuilds a worker's error records as the worker wrote them.
    /// </summary>
    internal static class Errors
    {
        public static ErrorRecord Create(Exception exception, string id, ErrorCategory category, object? target) =>
            new ErrorRecord(exception, id, category, target);

        public static ErrorRecord NotAWorkerProcess() =>
            Create(new InvalidOperationException("Invoke-ProcCmdletsWorker runs only in a process the ProcCmdlets module started, whose standard input and output are its channel."), "NotAWorkerProcess", ErrorCategory.InvalidOperation, null);

        public static ErrorRecord WorkerNotFound(string what, object? target) =>
            Create(new ItemNotFoundException($"No worker process with {what} was found in this session."), "WorkerNotFound", ErrorCategory.ObjectNotFound, target);

        public static ErrorRecord WorkerRunning(System.Management.Automation.Job worker) =>
            Create(new InvalidOperationException($"Worker process {worker.Id} ('{worker.Name}') is still running; stop it first or use -Force."), "WorkerStillRunning", ErrorCategory.ResourceBusy, worker);

        public static ErrorRecord WorkerRemoved(System.Management.Automation.Job worker) =>
            Create(new InvalidOperationException($"Worker process {worker.Id} ('{worker.Name}') has been removed from this session."), "WorkerRemoved", ErrorCategory.InvalidOperation, worker);

        public static ErrorRecord WorkingDirectoryNotFound(string path) =>
            Create(new System.IO.DirectoryNotFoundException($"The working directory '{path}' does not exist."), "WorkingDirectoryNotFound", ErrorCategory.ObjectNotFound, path);

        public static ErrorRecord WorkerStartFailed(Exception e, object? target) =>
            Create(new InvalidOperationException("A worker process could not be started: " + e.Message, e), "WorkerStartFailed", ErrorCategory.ResourceUnavailable, target);

        public static ErrorRecord WorkerCrashed(string detail, object? target) =>
            Create(new WorkerCrashedException(detail), "WorkerCrashed", ErrorCategory.OperationStopped, target);

        /// <summary>A worker's channel carried what the protocol does not allow, in either direction (docs/protocol.md).</summary>
        public static ErrorRecord ChannelCorrupt(string detail, object? target) =>
            Create(new System.IO.InvalidDataException(detail), "ChannelCorrupt", ErrorCategory.ProtocolError, target);

        public static ErrorRecord Timeout(int seconds, object? target) =>
            Create(new TimeoutException($"The item did not finish within {seconds} seconds; its worker process was killed and replaced."), "OperationTimeout", ErrorCategory.OperationTimeout, target);

        public static ErrorRecord PoolRemoved(string name, object pool) =>
            Create(new ObjectDisposedException(name, $"The process pool '{name}' has been removed."), "PoolRemoved", ErrorCategory.ResourceUnavailable, pool);

        public static ErrorRecord PoolNotFound(string name) =>
            Create(new ItemNotFoundException($"No process pool named '{name}' was found in this session."), "PoolNotFound", ErrorCategory.ObjectNotFound, name);

        public static ErrorRecord PoolBroken(string name, object pool, string detail) =>
            Create(new WorkerCrashedException($"The process pool '{name}' cannot start workers: {detail}"), "PoolStartFailed", ErrorCategory.ResourceUnavailable, pool);

        public static ErrorRecord HostUnreachable(string host, string reason) =>
            Create(new HostUnreachableException($"Cannot start workers on host '{host}': {reason}", host), "HostUnreachable", ErrorCategory.ConnectionError, host);

        public static ErrorRecord NoHostReachable(string detail, object? target) =>
            Create(new HostUnreachableException($"No host could start workers: {detail}", null), "NoHostReachable", ErrorCategory.ConnectionError, target);

        public static ErrorRecord SlurmNotFound(Exception e) =>
            Create(new System.IO.FileNotFoundException("Slurm's 'srun' was not found on PATH; a pool on Slurm needs it: " + e.Message, "srun", e), "SlurmNotFound", ErrorCategory.ObjectNotFound, "srun");

        public static ErrorRecord SshNotFound(Exception e) =>
            Create(new System.IO.FileNotFoundException("The OpenSSH client 'ssh' was not found on PATH; workers on other hosts need it: " + e.Message, "ssh", e), "SshNotFound", ErrorCategory.ObjectNotFound, "ssh");

        /// <summary>A value that could not be carried to or from a worker: <paramref name="e"/> says which and why.</summary>
        public static ErrorRecord NotCarried(Exception e, ErrorCategory category, object? target) =>
            Create(e, "ValueNotCarried", category, target);

        public static ErrorRecord CommandNotCarried(string name, string reason) =>
            Create(new CommandNotCarriedException(name, reason), "CommandNotCarried", ErrorCategory.InvalidArgument, name);

        /// <summary>As PowerShell reports a $using: variable the caller has not set (ForEach-Object -Parallel, Start-Job).</summary>
        public static ErrorRecord UsingVariableIsUndefined(string usingText) =>
            Create(new RuntimeException($"The value of the using variable '{usingText}' cannot be retrieved because it has not been set in the local session."),
                "UsingVariableIsUndefined", ErrorCategory.InvalidOperation, null);
    }
}
