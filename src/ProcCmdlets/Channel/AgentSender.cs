using System;
using System.IO;
using System.Threading;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Writes a host agent's connection from one thread: frames from any thread are queued whole
    /// and written in order, so no caller ever waits for the connection (a kill is never held up
    /// by a slow network). What is queued is bounded by the workers' credit windows, plus small
    /// control frames. <see cref="Complete"/> closes the stream once the queue is written.
    /// </summary>
    internal sealed class AgentSender
    {
        private readonly FrameQueue _queue = new FrameQueue();
        private readonly Stream _stream;
        private readonly Action<Stream>? _prefix;
        private Exception? _fault;

        /// <param name="stream">The connection, written only by this sender's thread (and closed by it).</param>
        /// <param name="name">The thread's name.</param>
        /// <param name="prefix">Written before the first frame (the assembly the bootstrap loads), on the writer's thread.</param>
        public AgentSender(Stream stream, string name, Action<Stream>? prefix = null)
        {
            _stream = stream;
            _prefix = prefix;
            new Thread(WriteLoop) { IsBackground = true, Name = name }.Start();
        }

        /// <summary>Set once a write failed (the other side is gone).</summary>
        public Exception? Fault => Volatile.Read(ref _fault);

        /// <summary>Queues a frame; false once the sender is completed or has failed.</summary>
        public bool Send(byte[] frame)
        {
            if (Fault != null)
            {
                return false;
            }

            return _queue.Add(frame);
        }

        /// <summary>No more frames: the stream closes once the queued ones are written.</summary>
        public void Complete()
        {
            _queue.Complete();
        }

        private void WriteLoop()
        {
            try
            {
                _prefix?.Invoke(_stream);
                while (_queue.TryTake(out byte[] frame))
                {
                    _stream.Write(frame, 0, frame.Length);
                    if (_queue.Count == 0)
                    {
                        _stream.Flush();
                    }
                }
            }
            catch (Exception e)
            {
                Volatile.Write(ref _fault, e);
                _queue.Complete();
            }
            finally
            {
                try
                {
                    _stream.Dispose();
                }
                catch (Exception)
                {
                }
            }
        }
    }
}
