namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Starts worker processes somewhere and hands back their streams. The session side of a worker
    /// (Connection/) speaks the channel over whatever a transport gives it: a local process's pipes
    /// (<see cref="LocalProcessTransport"/>) or an ssh client's standard streams to a worker on another
    /// host (<see cref="SshTransport"/>); a transport only has to start the same worker loop at the far end.
    /// </summary>
    internal interface IWorkerTransport
    {
        /// <summary>Where its workers run (a host name), as a worker job's Location shows it.</summary>
        string Location { get; }

        /// <summary>Starts one worker in <paramref name="workingDirectory"/> (null: the transport's default); it greets with a Hello frame on <see cref="WorkerLink.FromWorker"/>.</summary>
        WorkerLink Start(string? workingDirectory);
    }
}
