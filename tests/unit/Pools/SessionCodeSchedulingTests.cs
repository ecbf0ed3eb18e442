using System.Linq;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>A task's functions and modules (DefineCode) reach each worker with the task's definition, never with its chunks.</summary>
    public class SessionCodeSchedulingTests
    {
        [Fact]
        public void DefineCodeGoesJustBeforeEachDefineTaskAndNeverPerChunk()
        {
            var code = new DefineCode();
            code.Functions.Add(new CarriedFunction("Square", false, "param($x) $x * $x"));
            var transport = new FakeTransport(item => FakeOutcome.Of(item));
            using (var harness = new MapHarness(transport, workers: 2))
            {
                harness.Map(Enumerable.Range(1, 200).Cast<object>(), chunkSize: 5, code: code.Encode());
                harness.Map(Enumerable.Range(1, 50).Cast<object>(), chunkSize: 5, code: code.Encode());
                harness.Map(Enumerable.Range(1, 50).Cast<object>(), chunkSize: 5);
                Assert.Equal(300, harness.Output.Count);

                foreach (FakeWorker worker in transport.Started)
                {
                    FrameKind[] kinds = worker.Received.ToArray();
                    int defines = kinds.Count(k => k == FrameKind.DefineCode);
                    int tasksWithCode = 0;
                    for (int i = 0; i < kinds.Length; i++)
                    {
                        if (kinds[i] == FrameKind.DefineCode)
                        {
                            Assert.True(i + 1 < kinds.Length && kinds[i + 1] == FrameKind.DefineTask, "DefineCode is followed by its task's DefineTask");
                            tasksWithCode++;
                        }
                    }

                    // At most one per task with code that ran on this worker (two of the three tasks have code).
                    Assert.Equal(defines, tasksWithCode);
                    Assert.True(defines <= 2, $"a worker got {defines} DefineCode frames for two tasks");
                    Assert.True(kinds.Count(k => k == FrameKind.RunChunk) > defines || defines == 0);
                }
            }
        }
    }
}
