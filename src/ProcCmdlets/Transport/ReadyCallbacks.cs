using System;
using System.Collections.Generic;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// What waits for a connection's ready line: each callback runs once, on the thread that read the
    /// line, or at once on the caller's when the line has already come.
    /// </summary>
    internal sealed class ReadyCallbacks
    {
        private readonly List<Action> _waiting = new List<Action>();
        private bool _ready;

        /// <summary>The ready line has come.</summary>
        public bool IsReady
        {
            get
            {
                lock (_waiting)
                {
                    return _ready;
                }
            }
        }

        public void Add(Action callback)
        {
            lock (_waiting)
            {
                if (!_ready)
                {
                    _waiting.Add(callback);
                    return;
                }
            }

            callback();
        }

        /// <summary>The ready line came: runs what waited.</summary>
        public void Set()
        {
            Action[] waiting;
            lock (_waiting)
            {
                if (_ready)
                {
                    return;
                }

                _ready = true;
                waiting = _waiting.ToArray();
                _waiting.Clear();
            }

            foreach (Action callback in waiting)
            {
                callback();
            }
        }
    }
}
