using System;
using System.IO;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// What an idle worker does before its first work, in steps it gives up between as soon as work
    /// arrives. Step 1 runs small items through the same paths real chunks take (task wrappers, the
    /// item feed, the record relay) writing to nowhere, so their code is compiled before a first item
    /// needs it. .NET only starts counting calls once a process stops compiling new code; step 2, run
    /// after the worker has been idle a moment, calls the same paths again often enough that .NET
    /// recompiles them optimized now rather than during the first map, where that recompiling took a
    /// core from the work (190-240 ms of a worker's CPU in a first 8-item CPU-bound map, measured).
    /// </summary>
    internal sealed class WorkerWarmUp : IDisposable
    {
        /// <summary>How many steps there are; every step after the first waits for <see cref="CountingDelay"/> of idleness.</summary>
        public const int Steps = 2;

        /// <summary>
        /// How long the worker must have been idle before step 2: .NET's call counting starts 100 ms
        /// after the last new method was compiled.
        /// </summary>
        public static readonly TimeSpan CountingDelay = TimeSpan.FromMilliseconds(250);

        /// <summary>
        /// The engine interprets a loop at first and compiles it once it has run a while, on a pool
        /// thread; the first compile of a process also compiles the compiler. The second loop's sum
        /// outgrows an int and goes on as a double, as long sums do, so that path is compiled too.
        /// </summary>
        private const string Loops = "$s = 0; for ($i = 0; $i -lt 30000; $i++) { $s += $i }; $t = 2147000000; for ($i = 0; $i -lt 30000; $i++) { $t += $i }; foreach ($j in 1..300) { $s = $s + $j * 2 }; $k = 0; while ($k -lt 300) { $k++ }; $s + $t";

        /// <summary>How many times step 2 runs each path: more than the 30 calls after which .NET recompiles a method.</summary>
        private const int TierUpRounds = 40;

        private static readonly (TaskMode Mode, string Script)[] Tasks =
        {
            (TaskMode.Inline, "$_ * $_"),
            (TaskMode.Inline, "[pscustomobject]@{ Value = $_ * 2; Name = \"n$_\" }"),
            (TaskMode.Positional, "param($x) $x + 1"),
        };

        private readonly WorkerSession _session;
        private readonly FrameWriter _nowhere = new FrameWriter(Stream.Null, "ProcCmdlets warm-up");
        private readonly StreamRelay _relay;
        private readonly ItemFeed _feed;
        private readonly ScriptBlock _loops = ScriptBlock.Create(Loops);

        public WorkerWarmUp(WorkerSession session)
        {
            _session = session;
            _relay = new StreamRelay(_nowhere, includeErrorTargets: false);
            _feed = new ItemFeed(_relay);
        }

        /// <summary>Runs step <paramref name="step"/> (0 or 1), stopping early once <paramref name="workArrived"/> says work waits.</summary>
        public void Run(int step, Func<bool> workArrived)
        {
            if (step == 0)
            {
                foreach ((TaskMode mode, string script) in Tasks)
                {
                    RunChunk(mode, script, new object[] { 1, 2, 3 });
                }

                for (int run = 0; run < 3 && !workArrived(); run++)
                {
                    RunLoops();
                }

                var payload = new PayloadWriter();
                WorkerSetup.WriteValues(payload, new object[] { 1, "s", 2.5, new object[] { 1 } });
                WorkerSetup.ReadValues(new PayloadReader(payload.ToArray()));
                return;
            }

            RunLoops();
            for (int round = 0; round < TierUpRounds && !workArrived(); round++)
            {
                (TaskMode mode, string script) = Tasks[round % Tasks.Length];
                RunChunk(mode, script, new object[] { round });
            }
        }

        public void Dispose() => _nowhere.Dispose();

        private void RunChunk(TaskMode mode, string script, object[] items)
        {
            TaskWrapper wrapper = TaskWrapper.For(mode, script, _session.LanguageMode);
            _feed.Load(-1, items);
            _feed.Script = wrapper.Script;
            _feed.LoadNext = null;
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = _session.Runspace;
                ps.AddScript(TaskRunner.RunWrapper).AddArgument(wrapper.Wrapper).AddArgument(_feed);
                _relay.Attach(ps);
                Invoke(ps, _relay.Output);
            }

            _feed.FinishChunk();
        }

        private void RunLoops()
        {
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = _session.Runspace;
                ps.AddCommand("Invoke-Command").AddParameter("ScriptBlock", _loops);
                Invoke(ps, null);
            }
        }

        private static void Invoke(PowerShell ps, System.Collections.Generic.IList<object?>? output)
        {
            try
            {
                if (output == null)
                {
                    ps.Invoke();
                }
                else
                {
                    ps.Invoke(null, output);
                }
            }
            catch (RuntimeException)
            {
            }
        }
    }
}
