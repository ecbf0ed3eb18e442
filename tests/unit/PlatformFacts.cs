using System;
using Xunit;

namespace ProcCmdlets.Tests
{
    /// <summary>A fact that runs only on Linux and is reported as skipped, with the platform named, elsewhere.</summary>
    public sealed class LinuxFactAttribute : FactAttribute
    {
        public LinuxFactAttribute()
        {
            if (!OperatingSystem.IsLinux())
            {
                Skip = "Linux only: it calls Linux's libc with Linux's constants.";
            }
        }
    }
}
