using System;
using System.Threading;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>A worker thread's shared-object call waiting for its reply; a stop makes it ask the session to withdraw it.</summary>
    internal sealed class SharedCallWait
    {
        /// <summary>The lock this call acquires (0 for other calls): its grant starts a lease.</summary>
        public long LeaseOf { get; set; }

        public int Thread { get; set; }

        private SharedReply? _reply;
        private bool _interrupted;
        private bool _cancelSent;

        /// <summary>The call asked the session to withdraw it (read once <see cref="Wait"/> has returned).</summary>
        public bool CancelSent => _cancelSent;

        /// <summary>Waits for the reply; once interrupted, sends a cancel and still waits for the session's answer (the result, or Cancelled).</summary>
        public SharedReply Wait(Action cancel)
        {
            lock (this)
            {
                while (!_reply.HasValue)
                {
                    if (_interrupted && !_cancelSent)
                    {
                        _cancelSent = true;
                        cancel();
                    }

                    Monitor.Wait(this);
                }

                return _reply.Value;
            }
        }

        public void Complete(SharedReply reply)
        {
            lock (this)
            {
                _reply = reply;
                Monitor.PulseAll(this);
            }
        }

        public void Interrupt()
        {
            lock (this)
            {
                _interrupted = true;
                Monitor.PulseAll(this);
            }
        }
    }
}
