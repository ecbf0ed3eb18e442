using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.InteropServices;
using ProcCmdlets.Worker;
using Xunit;

namespace ProcCmdlets.Tests.Worker
{
    public class LanguageModeTests
    {
        [Fact]
        public void AModeTheEngineDoesNotKnowEndsTheWorkerAsAMalformedChannelDoes()
        {
            Assert.Throws<InvalidDataException>(() => SystemLockdown.Limit((PSLanguageMode)9));
        }

        [Fact]
        public void WithoutALockdownPolicyTheSessionsModeIsUsedAsItIs()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            Assert.False(SystemLockdown.IsEnforced);
            foreach (PSLanguageMode mode in new[] { PSLanguageMode.FullLanguage, PSLanguageMode.ConstrainedLanguage, PSLanguageMode.RestrictedLanguage, PSLanguageMode.NoLanguage })
            {
                Assert.Equal(mode, SystemLockdown.Limit(mode));
            }
        }

        [Fact]
        public void ARunspaceGoesToTheSessionsModeAndBack()
        {
            using (Runspace runspace = RunspaceFactory.CreateRunspace())
            {
                runspace.Open();
                SystemLockdown.Use(runspace, PSLanguageMode.ConstrainedLanguage);
                Assert.Equal(PSLanguageMode.ConstrainedLanguage, runspace.SessionStateProxy.LanguageMode);
                SystemLockdown.Use(runspace, PSLanguageMode.FullLanguage);
                Assert.Equal(SystemLockdown.IsEnforced ? PSLanguageMode.ConstrainedLanguage : PSLanguageMode.FullLanguage, runspace.SessionStateProxy.LanguageMode);
            }
        }
    }
}
