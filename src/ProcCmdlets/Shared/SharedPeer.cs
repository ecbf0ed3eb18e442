using System.Collections.Concurrent;
using System.Collections.Generic;

namespace ProcCmdlets.Shared
{
    /// <summary>A process that calls shared objects: the session itself, or one worker (whose calls wait here while pending).</summary>
    internal sealed class SharedPeer
    {
        public static readonly SharedPeer Session = new SharedPeer("the session");

        private readonly List<SharedDelivery> _unacknowledged = new List<SharedDelivery>();

        public SharedPeer(string name)
        {
            Name = name;
        }

        /// <summary>Asks the worker to give back its lease of lock <c>id</c> (null for the session, which takes no leases).</summary>
        public System.Action<long>? Revoke { get; set; }

        /// <summary>How warnings name it.</summary>
        public string Name { get; }

        /// <summary>The worker's calls that wait for a reply, by call id.</summary>
        public ConcurrentDictionary<long, SharedRequest> Pending { get; } = new ConcurrentDictionary<long, SharedRequest>();

        /// <summary>Records an item sent to the worker, before its reply is queued (so that its acknowledgement always finds it).</summary>
        public void Delivered(SharedDelivery delivery)
        {
            lock (_unacknowledged)
            {
                _unacknowledged.Add(delivery);
            }
        }

        /// <summary>The worker's code has the item of call <paramref name="callId"/>, or gave it back: that delivery, no longer lent (null when none was).</summary>
        public SharedDelivery? Acknowledge(long callId)
        {
            lock (_unacknowledged)
            {
                int index = _unacknowledged.FindIndex(d => d.CallId == callId);
                if (index < 0)
                {
                    return null;
                }

                SharedDelivery delivery = _unacknowledged[index];
                _unacknowledged.RemoveAt(index);
                return delivery;
            }
        }

        /// <summary>The items sent and not acknowledged, in the order they were sent; the list is emptied.</summary>
        public List<SharedDelivery> TakeUnacknowledged()
        {
            lock (_unacknowledged)
            {
                var taken = new List<SharedDelivery>(_unacknowledged);
                _unacknowledged.Clear();
                return taken;
            }
        }

        public override string ToString() => Name;
    }
}
