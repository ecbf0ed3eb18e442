namespace ProcCmdlets
{
    /// <summary>The kind byte of each shared object's handle on the channel.</summary>
    internal static class SharedKinds
    {
        public const byte Queue = 1;
        public const byte Lock = 2;
        public const byte Semaphore = 3;
        public const byte Event = 4;
        public const byte Barrier = 5;
        public const byte Value = 6;
        public const byte Dictionary = 7;

        /// <summary>The public object for a handle, with its calls going to <paramref name="endpoint"/>.</summary>
        public static ProcessSharedObject? Create(byte kind, long id, int capacity, ISharedEndpoint endpoint)
        {
            switch (kind)
            {
                case Queue: return new ProcessQueue(id, capacity, endpoint);
                case Lock: return new ProcessLock(id, endpoint);
                case Semaphore: return new ProcessSemaphore(id, endpoint);
                case Event: return new ProcessEvent(id, endpoint);
                case Barrier: return new ProcessBarrier(id, capacity, endpoint);
                case Value: return new ProcessValue(id, endpoint);
                case Dictionary: return new ProcessDictionary(id, endpoint);
                default: return null;
            }
        }
    }
}
