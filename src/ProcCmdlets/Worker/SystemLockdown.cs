using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// Whether Windows Defender Application Control or AppLocker enforce script lockdown on this
    /// machine. The console host then runs everything untrusted in ConstrainedLanguage; a worker opens
    /// its runspace the way the console host does, so the lockdown holds in it too. The engine's
    /// SystemPolicy type is not in the reference assembly the module builds against, so it is reached
    /// by name.
    /// </summary>
    internal static class SystemLockdown
    {
        private static readonly Lazy<bool> IsEnforcedValue = new Lazy<bool>(Query);

        public static bool IsEnforced => IsEnforcedValue.Value;

        /// <summary>The mode user code runs in: the session's, never more than the lockdown allows.</summary>
        public static PSLanguageMode Limit(PSLanguageMode mode)
        {
            if (!Enum.IsDefined(typeof(PSLanguageMode), mode))
            {
                throw new InvalidDataException($"Unknown language mode {(int)mode}.");
            }

            return IsEnforced && mode == PSLanguageMode.FullLanguage ? PSLanguageMode.ConstrainedLanguage : mode;
        }

        /// <summary>Sets the mode <paramref name="runspace"/> runs scripts in to <see cref="Limit"/>(<paramref name="mode"/>).</summary>
        public static void Use(Runspace runspace, PSLanguageMode mode)
        {
            // Setting ConstrainedLanguage clears the engine's member-binding caches, so only a change is set.
            PSLanguageMode target = Limit(mode);
            if (runspace.SessionStateProxy.LanguageMode != target)
            {
                runspace.SessionStateProxy.LanguageMode = target;
            }
        }

        private static bool Query()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return false;
            }

            // Not knowing counts as locked down: a worker must not be freer than its session.
            try
            {
                Type policy = typeof(PSObject).Assembly.GetType("System.Management.Automation.Security.SystemPolicy", throwOnError: true);
                MethodInfo get = policy.GetMethod("GetSystemLockdownPolicy", BindingFlags.Public | BindingFlags.Static, null, Type.EmptyTypes, null);
                return string.Equals(get.Invoke(null, null)?.ToString(), "Enforce", StringComparison.Ordinal);
            }
            catch (Exception)
            {
                return true;
            }
        }
    }
}
