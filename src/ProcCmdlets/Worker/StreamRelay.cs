using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// Sends every record a pipeline writes, on any stream, to the session as it is written,
    /// tagged with the chunk and item it belongs to. In a pool's chunk, output values and the ends of
    /// items that did not fail go as entries of Results frames, which the writer joins into one frame
    /// per run of items; every other record and marker goes as a frame of its own.
    /// </summary>
    internal sealed class StreamRelay
    {
        private readonly FrameWriter _writer;
        private readonly PayloadWriter _payload = new PayloadWriter(1024);
        private readonly PayloadWriter _head = new PayloadWriter(32);
        private readonly object _lock = new object();
        private readonly bool _includeErrorTargets;
        private readonly ShapeWriter _shapes;

        public StreamRelay(FrameWriter writer, bool includeErrorTargets)
        {
            _writer = writer;
            _shapes = ShapeWriter.For(writer);
            _includeErrorTargets = includeErrorTargets;
            Output = new OutputSink(this);
        }

        public long ChunkId
        {
            get => System.Threading.Interlocked.Read(ref _chunkId);
            set => System.Threading.Interlocked.Exchange(ref _chunkId, value);
        }

        private long _chunkId;

        /// <summary>The item now running, or -1 outside a chunk.</summary>
        public int ItemIndex { get; set; } = -1;

        /// <summary>
        /// Where a pipeline's output goes, each value as it is written. Typed object rather than
        /// PSObject: the engine converts every value written to the output list's type, and to
        /// PSObject that wraps every plain value (an int, a string) in a new PSObject, which the codec
        /// then unwraps; to object it leaves values as the pipeline wrote them, wrapped or not.
        /// </summary>
        public IList<object?> Output { get; }

        public void Attach(PowerShell ps)
        {
            ps.Streams.Error.DataAdded += (s, e) => Drain<ErrorRecord>(s, r => SendError(r));
            ps.Streams.Warning.DataAdded += (s, e) => Drain<WarningRecord>(s, r => SendText(StreamKind.Warning, r.Message));
            ps.Streams.Verbose.DataAdded += (s, e) => Drain<VerboseRecord>(s, r => SendText(StreamKind.Verbose, r.Message));
            ps.Streams.Debug.DataAdded += (s, e) => Drain<DebugRecord>(s, r => SendText(StreamKind.Debug, r.Message));
            ps.Streams.Information.DataAdded += (s, e) => Drain<InformationRecord>(s, SendInformation);
            ps.Streams.Progress.DataAdded += (s, e) => Drain<ProgressRecord>(s, SendProgress);
        }

        private static void Drain<T>(object collection, Action<T> send)
        {
            foreach (T record in ((PSDataCollection<T>)collection).ReadAll())
            {
                send(record);
            }
        }

        public void SendOutput(object? value)
        {
            lock (_lock)
            {
                long chunkId = ChunkId;
                int index = ItemIndex;
                if (chunkId != 0 && index >= 0)
                {
                    SendResult(chunkId, index, value);
                    return;
                }

                Begin(StreamKind.Output);
                int mark = _payload.Length;

                // Rows name their shapes only in a pool's chunks: the pool's reader keeps the shapes.
                ShapeWriter.Current = ChunkId != 0 ? _shapes : null;
                try
                {
                    ValueCodec.Write(_payload, value);
                }
                catch (ValueNotCarriedException e)
                {
                    _payload.Truncate(mark);
                    SendNotCarried(e, value);
                    return;
                }
                finally
                {
                    ShapeWriter.Current = null;
                }

                _writer.Send(FrameKind.Record, _payload);
            }
        }

        /// <summary>An output value of an item of a pool's chunk: an entry of a Results frame, which the item's end joins.</summary>
        private void SendResult(long chunkId, int index, object? value)
        {
            _payload.Reset();
            ShapeWriter.Current = _shapes;
            try
            {
                ValueCodec.Write(_payload, value);
            }
            catch (ValueNotCarriedException e)
            {
                SendNotCarried(e, value);
                return;
            }
            finally
            {
                ShapeWriter.Current = null;
            }

            _head.Reset().WriteVarUInt((ulong)chunkId);
            ResultEntry.WriteOutputPrefix(_head, index, _payload.Length);
            _writer.Send(FrameKind.Results, _head, _payload);
        }

        private void SendNotCarried(ValueNotCarriedException e, object? value)
        {
            var record = new ErrorRecord(e, "ValueNotCarried", ErrorCategory.WriteError, null);
            Begin(StreamKind.Error);
            RecordCodec.WriteError(_payload, record, false);
            _writer.Send(FrameKind.Record, _payload);
        }

        public void SendError(ErrorRecord record)
        {
            lock (_lock)
            {
                Begin(StreamKind.Error);
                RecordCodec.WriteError(_payload, record, _includeErrorTargets);
                _writer.Send(FrameKind.Record, _payload);
            }
        }

        private void SendText(StreamKind stream, string message)
        {
            lock (_lock)
            {
                Begin(stream);
                Record.WriteText(_payload, message);
                _writer.Send(FrameKind.Record, _payload);
            }
        }

        private void SendInformation(InformationRecord record)
        {
            lock (_lock)
            {
                Begin(StreamKind.Information);
                RecordCodec.WriteInformation(_payload, record);
                _writer.Send(FrameKind.Record, _payload);
            }
        }

        private void SendProgress(ProgressRecord record)
        {
            lock (_lock)
            {
                Begin(StreamKind.Progress);
                RecordCodec.WriteProgress(_payload, record);
                _writer.Send(FrameKind.Record, _payload);
            }
        }

        public void SendItemDone(long chunkId, int index, bool failed)
        {
            lock (_lock)
            {
                if (!failed && chunkId != 0)
                {
                    _head.Reset().WriteVarUInt((ulong)chunkId);
                    ResultEntry.WriteDone(_head, index);
                    _writer.Send(FrameKind.Results, _head, null);
                    return;
                }

                _payload.Reset();
                ItemDone.Write(_payload, chunkId, index, failed);
                _writer.Send(FrameKind.ItemDone, _payload);
            }
        }

        public void SendChunkDone(long chunkId)
        {
            lock (_lock)
            {
                _payload.Reset();
                Marker.Write(_payload, chunkId);
                _writer.Send(FrameKind.ChunkDone, _payload);
            }
        }

        public void SendChunkStarted(long chunkId)
        {
            lock (_lock)
            {
                _payload.Reset();
                Marker.Write(_payload, chunkId);
                _writer.Send(FrameKind.ChunkStarted, _payload);
            }
        }

        private void Begin(StreamKind stream)
        {
            _payload.Reset();
            Record.WriteHeader(_payload, stream, ChunkId, ItemIndex);
        }

        /// <summary>A list that sends what the pipeline adds and keeps nothing.</summary>
        private sealed class OutputSink : IList<object?>
        {
            private readonly StreamRelay _relay;

            public OutputSink(StreamRelay relay) => _relay = relay;

            public void Add(object? item) => _relay.SendOutput(item);

            public void Insert(int index, object? item) => _relay.SendOutput(item);

            public int Count => 0;

            public bool IsReadOnly => false;

            public object? this[int index]
            {
                get => throw new ArgumentOutOfRangeException(nameof(index));
                set => _relay.SendOutput(value);
            }

            public int IndexOf(object? item) => -1;

            public void RemoveAt(int index)
            {
            }

            public void Clear()
            {
            }

            public bool Contains(object? item) => false;

            public void CopyTo(object?[] array, int arrayIndex)
            {
            }

            public bool Remove(object? item) => false;

            public IEnumerator<object?> GetEnumerator()
            {
                yield break;
            }

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
