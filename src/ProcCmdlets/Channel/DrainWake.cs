using System;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// A <see cref="FrameWriter"/> drain's wait for more frames or for an item's end, which a frame
    /// that may not wait, a flush or a close ends early. No thread waits. Used under the writer's lock.
    /// </summary>
    internal sealed class DrainWake
    {
        private TaskCompletionSource<bool>? _wake;

        /// <summary>A wait of at most <paramref name="delay"/>, until <see cref="Take"/>'s caller ends it.</summary>
        public Task Pause(TimeSpan delay)
        {
            _wake = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return Task.WhenAny(_wake.Task, Task.Delay(delay));
        }

        /// <summary>The pending wait, if any, for the caller to end (outside the lock) with TrySetResult.</summary>
        public TaskCompletionSource<bool>? Take()
        {
            TaskCompletionSource<bool>? wake = _wake;
            _wake = null;
            return wake;
        }
    }
}
