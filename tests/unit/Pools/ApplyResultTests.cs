using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Pools;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>Asynchronous applies [apply_async] against fake workers.</summary>
    public class ApplyResultTests
    {
        private static ProcessPoolApplyJob Apply(ProcessPool pool) =>
            new ProcessPoolApplyJob("apply", pool, false, new PoolTask(pool.Core.NextTaskId(), TaskMode.Apply, "42", new(), null, PSLanguageMode.FullLanguage));

        [Fact]
        public void AnApplyJobCompletesWithTheScriptsOutput()
        {
            using (var pool = new ProcessPool("Fake", 1, 0, new WorkerSetup(), null, null, new IWorkerTransport[] { new FakeTransport(_ => FakeOutcome.Of(42)) }))
            using (ProcessPoolApplyJob job = Apply(pool))
            {
                Assert.True(job.Finished.WaitOne(TimeSpan.FromSeconds(10)));
                Assert.Equal(JobState.Completed, job.JobStateInfo.State);
                Assert.Equal(42, job.Output.Single().BaseObject);
            }
        }

        [Fact]
        public void AResultThatCannotBeReadBackIsAnErrorOfTheJobThatStillCompletesAndThePoolGoesOn()
        {
            int calls = 0;
            var transport = new FakeTransport(_ => Interlocked.Increment(ref calls) == 1 ? new FakeOutcome { Undecodable = true } : FakeOutcome.Of("fine"));
            using (var pool = new ProcessPool("Fake", 1, 0, new WorkerSetup(), null, null, new IWorkerTransport[] { transport }))
            {
                using (ProcessPoolApplyJob bad = Apply(pool))
                {
                    Assert.True(bad.Finished.WaitOne(TimeSpan.FromSeconds(10)));
                    // Only a terminating error fails a job (as Start-Job's): this one is the item's error, as in a map.
                    Assert.Equal(JobState.Completed, bad.JobStateInfo.State);
                    Assert.Equal("ValueNotCarried", bad.Error.Single().FullyQualifiedErrorId);
                    Assert.Empty(bad.Output);
                }

                using (ProcessPoolApplyJob good = Apply(pool))
                {
                    Assert.True(good.Finished.WaitOne(TimeSpan.FromSeconds(10)));
                    Assert.Equal(JobState.Completed, good.JobStateInfo.State);
                    Assert.Equal("fine", good.Output.Single().BaseObject);
                }

                Assert.Single(transport.Started);
                Assert.Null(transport.Started.Single().ExitCode);
            }
        }
    }
}
