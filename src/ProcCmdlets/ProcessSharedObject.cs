using System;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>
    /// The base of the objects shared between the session and its workers. The session owns their
    /// state; a worker holds a proxy whose calls travel over its channel.
    /// </summary>
    public abstract class ProcessSharedObject : ISharedHandleSource
    {
        private static readonly object[] NoArgs = new object[0];

        internal ProcessSharedObject(byte kind, long id, int capacity, ISharedEndpoint endpoint)
        {
            Kind = kind;
            Id = id;
            Capacity = capacity;
            Endpoint = endpoint;
        }

        /// <summary>The object's number in the session that owns it.</summary>
        public long Id { get; }

        internal byte Kind { get; }

        internal int Capacity { get; }

        internal ISharedEndpoint Endpoint { get; }

        SharedHandle ISharedHandleSource.Handle => new SharedHandle(Kind, Id, Capacity);

        public override string ToString() => $"{GetType().Name} {Id}";

        internal object Call(SharedOp op) => Endpoint.Call(this, op, null, NoArgs);

        internal object Call(SharedOp op, params object[] args) => Endpoint.Call(this, op, null, args);

        internal object CallWithin(SharedOp op, double timeoutSeconds, params object[] args) =>
            Endpoint.Call(this, op, ToTimeSpan(timeoutSeconds), args);

        private static TimeSpan ToTimeSpan(double seconds)
        {
            if (double.IsNaN(seconds) || seconds < 0)
            {
                throw new ArgumentOutOfRangeException("timeout", seconds, "A timeout is a number of seconds, 0 or more.");
            }

            return seconds * 1000 >= int.MaxValue ? TimeSpan.FromMilliseconds(int.MaxValue) : TimeSpan.FromMilliseconds(Math.Ceiling(seconds * 1000));
        }

        internal static bool IsTrue(object value) => value is bool b && b;
    }
}
