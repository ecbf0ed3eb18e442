using System;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Management.Automation;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The input of a task's chunks. The pipeline asks for the next item only when the previous one
    /// has finished, so each request marks an item done. At the end of a chunk it reports the chunk
    /// done and, when the next chunk of the same task is already there, goes on with its items in the
    /// same pipeline (no new pipeline per chunk). The scripts see this object as <c>$__pcFeed</c>.
    /// </summary>
    [SuppressMessage("Naming", "CA1710", Justification = "A feed of items, not a collection: the name says what the wrapper script sees.")]
    [SuppressMessage("Design", "CA1010", Justification = "Only PowerShell's pipeline enumerates it, through IEnumerable; items are objects of any type.")]
    public sealed class ItemFeed : IEnumerable, IEnumerator
    {
        private static readonly CmdletInfo FailCommandInfo = new CmdletInfo("Send-ProcCmdletsItemError", typeof(SendItemErrorCommand));
        private readonly StreamRelay _relay;
        private object?[] _items = Array.Empty<object?>();
        private int _position = -1;
        private long _chunkId;
        private bool _itemFailed;

        internal ItemFeed(StreamRelay relay)
        {
            _relay = relay;
        }

        /// <summary>The task's script block (general and splatting modes).</summary>
        public ScriptBlock? Script { get; internal set; }

        /// <summary>The task's extra arguments, splatted after the item.</summary>
        public object?[] Args { get; internal set; } = Array.Empty<object?>();

        /// <summary>Loads the task's next chunk when one comes at once; false when none does.</summary>
        internal Func<bool>? LoadNext { get; set; }

        internal long ChunkId => _chunkId;

        /// <summary>True once the current chunk has been reported done.</summary>
        internal bool ChunkFinished { get; private set; }

        /// <summary>How many items have been asked for, over all chunks (a measure of progress).</summary>
        internal long Moves { get; private set; }

        internal void Load(long chunkId, object?[] items)
        {
            _chunkId = chunkId;
            _items = items;
            _position = -1;
            _itemFailed = false;
            ChunkFinished = false;
            _relay.ChunkId = chunkId;
            _relay.ItemIndex = -1;
        }

        /// <summary>Reports the current chunk done (once).</summary>
        internal void FinishChunk()
        {
            if (ChunkFinished)
            {
                return;
            }

            ChunkFinished = true;
            _relay.ItemIndex = -1;
            _relay.ChunkId = 0;
            _relay.SendChunkDone(_chunkId);
        }

        /// <summary>The command the wrapper reports an item's terminating error with (<see cref="SendItemErrorCommand"/>).</summary>
        [SuppressMessage("Performance", "CA1822", Justification = "The wrapper script reads it from $__pcFeed, as an instance property.")]
        public CmdletInfo FailCommand => FailCommandInfo;

        /// <summary>Reports a terminating error of the current item as that item's error; its ItemDone says it failed.</summary>
        internal void Fail(object? error)
        {
            _itemFailed = true;
            if ((error is PSObject pso ? pso.BaseObject : error) is ErrorRecord record)
            {
                _relay.SendError(record);
            }
        }

        /// <summary>The feed itself: it is enumerated once, by the task's pipeline.</summary>
        public IEnumerator GetEnumerator() => this;

        /// <summary>Ends the current item (ItemDone), then moves to the next, starting and finishing chunks on the way.</summary>
        public bool MoveNext()
        {
            Moves++;
            if (_position == -1)
            {
                _relay.SendChunkStarted(_chunkId);
            }

            if (_position >= 0 && _position < _items.Length)
            {
                _relay.SendItemDone(_chunkId, _position, _itemFailed);
                _itemFailed = false;
            }

            if (_position < _items.Length)
            {
                _position++;
            }

            if (_position < _items.Length)
            {
                _relay.ItemIndex = _position;
                return true;
            }

            FinishChunk();
            return LoadNext != null && LoadNext() && MoveNext();
        }

        /// <summary>The item now running.</summary>
        public object? Current => _items[_position];

        /// <summary>Does nothing: the feed is never enumerated twice.</summary>
        public void Reset()
        {
        }
    }
}
