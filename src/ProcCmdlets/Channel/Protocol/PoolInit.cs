namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Session to worker, first for a pool worker: its setup, then the pool's initialization script
    /// and its arguments. The worker answers InitDone. The script part is the same for every worker
    /// of a pool, so it is encoded once (<see cref="EncodeScript"/>).
    /// </summary>
    internal sealed class PoolInit
    {
        public PoolInit(WorkerSetup setup, string initScript, object[] initArgs)
        {
            Setup = setup;
            InitScript = initScript;
            InitArgs = initArgs ?? new object[0];
        }

        public WorkerSetup Setup { get; }

        public string InitScript { get; }

        public object[] InitArgs { get; }

        public static byte[] EncodeScript(string initScript, object[] initArgs)
        {
            var w = new PayloadWriter();
            w.WriteString(initScript);
            WorkerSetup.WriteValues(w, initArgs ?? new object[0]);
            return w.ToArray();
        }

        public static void Write(PayloadWriter w, WorkerSetup setup, byte[] encodedScript)
        {
            setup.Write(w);
            w.WriteRaw(encodedScript);
        }

        public static PoolInit Read(PayloadReader r) =>
            new PoolInit(WorkerSetup.Read(r), r.ReadString(), WorkerSetup.ReadValues(r));
    }
}
