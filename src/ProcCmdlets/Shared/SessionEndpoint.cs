using System;
using System.Collections.Concurrent;
using System.Threading;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// Calls made in the session (any runspace): straight to the object's state, no frames. A call
    /// that waits can be ended by Ctrl+C, which PowerShell cannot deliver into a method call.
    /// </summary>
    internal sealed class SessionEndpoint : ISharedEndpoint
    {
        public static readonly SessionEndpoint Instance = new SessionEndpoint();

        private static readonly ConcurrentDictionary<LocalRequest, bool> Waiting = new ConcurrentDictionary<LocalRequest, bool>();
        private static int s_breakHooked;

        public object? Call(ProcessSharedObject target, SharedOp op, TimeSpan? timeout, object?[] args)
        {
            SharedState state = SharedTable.Find(target.Id)
                ?? throw new InvalidOperationException($"{target} does not belong to this session.");
            var request = new LocalRequest(op, args, timeout);
            state.Invoke(request);
            SharedResult result;
            if (request.IsFinished)
            {
                result = request.WaitResult();
            }
            else
            {
                HookBreak();
                Waiting[request] = true;
                try
                {
                    result = request.WaitResult();
                }
                finally
                {
                    Waiting.TryRemove(request, out _);
                }
            }

            return SharedOutcome.Unwrap(result.Status, result.Value, result.Message);
        }

        private static void HookBreak()
        {
            if (Interlocked.Exchange(ref s_breakHooked, 1) != 0)
            {
                return;
            }

            try
            {
                Console.CancelKeyPress += (sender, e) =>
                {
                    foreach (LocalRequest request in Waiting.Keys)
                    {
                        request.ParkedIn?.Withdraw(request);
                    }
                };
            }
            catch (Exception)
            {
                // No console: waits end by their timeouts only.
            }
        }
    }
}
