using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>What a fake worker does with an item.</summary>
    internal sealed class FakeOutcome
    {
        public object? Output { get; set; }

        /// <summary>The worker dies before finishing the item.</summary>
        public bool Crash { get; set; }

        /// <summary>The worker stops answering at this item, as a process under SIGSTOP does.</summary>
        public bool Hang { get; set; }

        public int DelayMilliseconds { get; set; }

        /// <summary>The output record's body is one the session cannot read back.</summary>
        public bool Undecodable { get; set; }

        /// <summary>The worker sends a frame header no worker may send (a length of 0) instead of the item's output.</summary>
        public bool CorruptFrame { get; set; }

        /// <summary>The worker sends the item's output in a Results frame whose entry has a tag no worker may send.</summary>
        public bool MalformedResults { get; set; }

        /// <summary>A shared object the worker calls first (0: none), with <see cref="CallOp"/>, <see cref="Calls"/> times; its last reply is the output.</summary>
        public long CallObject { get; set; }

        public SharedOp CallOp { get; set; }

        public int Calls { get; set; } = 1;

        /// <summary>The worker sends its call and waits for no reply (it is parked in the session), then goes on with the outcome.</summary>
        public bool Park { get; set; }

        /// <summary>The worker acknowledges each item a Get brought, as a worker's code does when it has it.</summary>
        public bool Acknowledge { get; set; }

        /// <summary>The worker gives back each item a Get brought, as a worker whose pipeline is stopping does.</summary>
        public bool GiveBack { get; set; }

        public static FakeOutcome Of(object? output) => new FakeOutcome { Output = output };
    }
}
