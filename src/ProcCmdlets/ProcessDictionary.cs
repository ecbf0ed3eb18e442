using System.Collections;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets
{
    /// <summary>
    /// A dictionary shared by processes [multiprocessing.Manager().dict()]. Keys compare as a
    /// hashtable's do (strings without regard to case).
    /// </summary>
    public sealed class ProcessDictionary : ProcessSharedObject
    {
        internal ProcessDictionary(long id, ISharedEndpoint endpoint)
            : base(SharedKinds.Dictionary, id, 0, endpoint)
        {
        }

        /// <summary>The value of <paramref name="key"/>; $null when it is missing. Setting it adds or replaces it.</summary>
        public object? this[object key]
        {
            get => Call(SharedOp.GetItem, key);
            set => Call(SharedOp.SetItem, key, value);
        }

        // Count, Keys, ToHashtable and Add always answer a value (an int, an array, a table, a number); only items may be $null.

        /// <summary>How many keys the dictionary has now.</summary>
        public int Count => (int)Call(SharedOp.Count)!;

        /// <summary>The keys now, as an array.</summary>
        public object[] Keys => (object[])Call(SharedOp.Keys)!;

        /// <summary>True when the dictionary has <paramref name="key"/>.</summary>
        public bool ContainsKey(object key) => IsTrue(Call(SharedOp.ContainsKey, key));

        /// <summary>Removes a key; false when it was missing.</summary>
        public bool Remove(object key) => IsTrue(Call(SharedOp.Remove, key));

        /// <summary>Adds <paramref name="delta"/> to the key's value atomically (a missing key counts from 0); returns the new value.</summary>
        public object Add(object key, object? delta) => Call(SharedOp.AddItem, key, delta)!;

        /// <summary>A copy of the whole dictionary, taken at once.</summary>
        public Hashtable ToHashtable() => (Hashtable)Call(SharedOp.ToHashtable)!;
    }
}
