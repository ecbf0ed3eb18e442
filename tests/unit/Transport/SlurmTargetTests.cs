using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Transport
{
    /// <summary>The srun line of a Slurm pool's step: the user's options stay single arguments, and only paths and the fixed bootstrap follow.</summary>
    public class SlurmTargetTests
    {
        [Fact]
        public void TheStepIsUnbufferedOneNodeOneTaskWithTheUsersOptionsAsArguments()
        {
            var target = new SlurmTarget("/usr/bin/srun", "/usr/bin/scancel", 2, "P1", new[] { "--partition=short", "--comment=a b; rm -rf /" }, "/opt/dotnet/dotnet", "\"/opt/ps/pwsh.dll\"");
            string name = SlurmTarget.NewJobName();
            string line = target.Arguments(name, "QUJD");
            Assert.StartsWith("--unbuffered --nodes=1 --ntasks=1 --job-name=" + name + " --quiet --partition=short \"--comment=a b; rm -rf /\" /opt/dotnet/dotnet \"/opt/ps/pwsh.dll\" -NoLogo -NoProfile -NonInteractive -EncodedCommand QUJD", line, System.StringComparison.Ordinal);
            Assert.Equal("slurm:P1:2", target.Location);
            Assert.NotEqual(name, SlurmTarget.NewJobName());
        }
    }
}
