using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Management.Automation.Security;
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

        public static TheoryData<string, PSLanguageMode, PSLanguageMode> ModesUnderEachPolicy => new TheoryData<string, PSLanguageMode, PSLanguageMode>
        {
            { "None", PSLanguageMode.FullLanguage, PSLanguageMode.FullLanguage },
            { "None", PSLanguageMode.ConstrainedLanguage, PSLanguageMode.ConstrainedLanguage },
            { "None", PSLanguageMode.RestrictedLanguage, PSLanguageMode.RestrictedLanguage },
            { "None", PSLanguageMode.NoLanguage, PSLanguageMode.NoLanguage },
            { "Audit", PSLanguageMode.FullLanguage, PSLanguageMode.FullLanguage },
            { "Audit", PSLanguageMode.ConstrainedLanguage, PSLanguageMode.ConstrainedLanguage },
            { "Enforce", PSLanguageMode.FullLanguage, PSLanguageMode.ConstrainedLanguage },
            { "Enforce", PSLanguageMode.ConstrainedLanguage, PSLanguageMode.ConstrainedLanguage },
            { "Enforce", PSLanguageMode.RestrictedLanguage, PSLanguageMode.RestrictedLanguage },
            { "Enforce", PSLanguageMode.NoLanguage, PSLanguageMode.NoLanguage },
            { "unreadable", PSLanguageMode.FullLanguage, PSLanguageMode.ConstrainedLanguage },
            { "unknown", PSLanguageMode.FullLanguage, PSLanguageMode.ConstrainedLanguage },
        };

        [Theory]
        [MemberData(nameof(ModesUnderEachPolicy))]
        public void AWorkerRunsTheSessionsModeButNeverMoreThanTheSystemPolicyAllows(string policy, PSLanguageMode session, PSLanguageMode expected)
        {
            // The engine's own values, so that a renamed value fails here rather than unlocking workers.
            Func<object?> read = policy switch
            {
                "unreadable" => () => throw new MissingMethodException("SystemPolicy", "GetSystemLockdownPolicy"),
                "unknown" => () => null,
                _ => () => Enum.Parse<SystemEnforcementMode>(policy),
            };
            bool enforced = SystemLockdown.Enforces(read);

            Assert.Equal(expected, SystemLockdown.Limit(session, enforced));
            using (Runspace runspace = RunspaceFactory.CreateRunspace())
            {
                runspace.Open();
                SystemLockdown.Use(runspace, session, enforced);
                Assert.Equal(expected, runspace.SessionStateProxy.LanguageMode);
            }
        }

        [Fact]
        public void UnderAnEnforcedPolicyAWorkerRefusesTheMethodCallsAConsoleHostWould()
        {
            using (Runspace runspace = RunspaceFactory.CreateRunspace())
            {
                runspace.Open();
                SystemLockdown.Use(runspace, PSLanguageMode.FullLanguage, SystemLockdown.Enforces(() => SystemEnforcementMode.Enforce));
                using (PowerShell ps = PowerShell.Create())
                {
                    ps.Runspace = runspace;
                    ps.AddScript("[System.IO.Directory]::GetCurrentDirectory()");
                    Assert.Empty(ps.Invoke());
                    Assert.Equal("MethodInvocationNotSupportedInConstrainedLanguage", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
                }
            }
        }

        [Fact]
        public void ThePolicyIsReadFromTheEngineByName()
        {
            // The type and method are reached by name (the reference assembly lacks them): a rename fails here.
            object? policy = SystemLockdown.ReadPolicy();
            Assert.IsType<SystemEnforcementMode>(policy);
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                Assert.Equal(SystemEnforcementMode.None, policy);
            }
        }
    }
}
