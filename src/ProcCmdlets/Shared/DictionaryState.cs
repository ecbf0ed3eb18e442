using System;
using System.Collections;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>A shared dictionary; keys compare as a PowerShell hashtable's do.</summary>
    internal sealed class DictionaryState : SharedState
    {
        private readonly Hashtable _table = new Hashtable(StringComparer.OrdinalIgnoreCase);

        public DictionaryState()
            : base(SharedKinds.Dictionary, 0)
        {
        }

        protected override SharedResult? Run(SharedRequest request)
        {
            object? key = SharedArithmetic.Unwrap(request.Arg(0));
            if (key == null && request.Op != SharedOp.Count && request.Op != SharedOp.Keys && request.Op != SharedOp.ToHashtable)
            {
                throw new ArgumentException("A dictionary key cannot be null.");
            }

            switch (request.Op)
            {
                case SharedOp.GetItem:
                    return SharedResult.Ok(_table[key]);
                case SharedOp.SetItem:
                    _table[key] = request.Arg(1);
                    return SharedResult.Done;
                case SharedOp.Count:
                    return SharedResult.Ok(_table.Count);
                case SharedOp.Keys:
                    var keys = new object[_table.Count];
                    _table.Keys.CopyTo(keys, 0);
                    return SharedResult.Ok(keys);
                case SharedOp.ContainsKey:
                    return _table.ContainsKey(key) ? SharedResult.True : SharedResult.False;
                case SharedOp.Remove:
                    bool had = _table.ContainsKey(key);
                    _table.Remove(key);
                    return had ? SharedResult.True : SharedResult.False;
                case SharedOp.AddItem:
                    object sum = SharedArithmetic.Add(_table[key], request.Arg(1));
                    _table[key] = sum;
                    return SharedResult.Ok(sum);
                case SharedOp.ToHashtable:
                    var copy = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (DictionaryEntry entry in _table)
                    {
                        copy[entry.Key] = entry.Value;
                    }

                    return SharedResult.Ok(copy);
                default:
                    return SharedResult.Failed($"{Name} has no operation {request.Op}.");
            }
        }

        protected override SharedResult TimeoutResult(SharedRequest request) => SharedResult.False;
    }
}
