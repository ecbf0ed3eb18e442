using System.Collections;
using System.Management.Automation;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The input of one chunk. The pipeline asks for the next item only when the previous one has
    /// finished, so each request marks an item done; the scripts see this object as <c>$__pcFeed</c>.
    /// </summary>
    public sealed class ItemFeed : IEnumerable, IEnumerator
    {
        private readonly StreamRelay _relay;
        private object[] _items = new object[0];
        private int _position = -1;
        private long _chunkId;

        internal ItemFeed(StreamRelay relay)
        {
            _relay = relay;
        }

        /// <summary>The task's script block (general and splatting modes).</summary>
        public ScriptBlock Script { get; internal set; }

        /// <summary>The task's extra arguments, splatted after the item.</summary>
        public object[] Args { get; internal set; } = new object[0];

        internal int Consumed => _position;

        internal void Load(long chunkId, object[] items)
        {
            _chunkId = chunkId;
            _items = items;
            _position = -1;
            _relay.ChunkId = chunkId;
            _relay.ItemIndex = -1;
        }

        /// <summary>Reports a terminating error of the current item as that item's error.</summary>
        public void Fail(object error)
        {
            if ((error is PSObject pso ? pso.BaseObject : error) is ErrorRecord record)
            {
                _relay.SendError(record);
            }
        }

        public IEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_position == -1)
            {
                _relay.SendChunkStarted(_chunkId);
            }

            if (_position >= 0 && _position < _items.Length)
            {
                _relay.SendItemDone(_chunkId, _position);
            }

            if (_position < _items.Length)
            {
                _position++;
            }

            _relay.ItemIndex = _position < _items.Length ? _position : -1;
            return _position < _items.Length;
        }

        public object Current => _items[_position];

        public void Reset()
        {
        }
    }
}
