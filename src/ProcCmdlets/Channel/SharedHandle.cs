using System.IO;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// What crosses the channel for a shared object: its kind, its id in the session's table and
    /// its capacity (a queue's MaxSize, fixed at creation; 0 otherwise). Never its state: that
    /// stays in the session.
    /// </summary>
    internal readonly struct SharedHandle
    {
        public SharedHandle(byte kind, long id, int capacity)
        {
            Kind = kind;
            Id = id;
            Capacity = capacity;
        }

        public byte Kind { get; }

        public long Id { get; }

        public int Capacity { get; }

        public void Write(PayloadWriter w)
        {
            w.WriteByte(Kind);
            w.WriteVarUInt((ulong)Id);
            w.WriteVarUInt((ulong)Capacity);
        }

        public static SharedHandle Read(PayloadReader r)
        {
            byte kind = r.ReadByte();
            long id = (long)r.ReadVarUInt();
            ulong capacity = r.ReadVarUInt();
            if (capacity > int.MaxValue)
            {
                throw new InvalidDataException("A shared object's capacity in a frame is out of range.");
            }

            return new SharedHandle(kind, id, (int)capacity);
        }
    }
}
