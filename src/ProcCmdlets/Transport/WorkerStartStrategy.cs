namespace ProcCmdlets.Transport
{
    /// <summary>How a local worker process is started.</summary>
    internal enum WorkerStartStrategy
    {
        /// <summary>The bundled worker program on the session's own .NET runtime, loading the engine from $PSHOME.</summary>
        Engine,

        /// <summary>The session's own PowerShell executable, told to run the worker loop.</summary>
        Host,
    }
}
