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
        public static PSLanguageMode Limit(PSLanguageMode mode) => Limit(mode, IsEnforced);

        /// <summary>The mode user code runs in when lockdown is, or is not, <paramref name="enforced"/>.</summary>
        internal static PSLanguageMode Limit(PSLanguageMode mode, bool enforced)
        {
            if (!Enum.IsDefined(typeof(PSLanguageMode), mode))
            {
                throw new InvalidDataException($"Unknown language mode {(int)mode}.");
            }

            return enforced && mode == PSLanguageMode.FullLanguage ? PSLanguageMode.ConstrainedLanguage : mode;
        }

        /// <summary>Sets the mode <paramref name="runspace"/> runs scripts in to <see cref="Limit(PSLanguageMode)"/>.</summary>
        public static void Use(Runspace runspace, PSLanguageMode mode) => Use(runspace, mode, IsEnforced);

        /// <summary>As <see cref="Use(Runspace, PSLanguageMode)"/>, when lockdown is, or is not, <paramref name="enforced"/>.</summary>
        internal static void Use(Runspace runspace, PSLanguageMode mode, bool enforced)
        {
            // Setting ConstrainedLanguage clears the engine's member-binding caches, so only a change is set.
            PSLanguageMode target = Limit(mode, enforced);
            if (runspace.SessionStateProxy.LanguageMode != target)
            {
                runspace.SessionStateProxy.LanguageMode = target;
            }
        }

        private static bool Query() => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && Enforces(ReadPolicy);

        /// <summary>
        /// Whether the policy that <paramref name="readPolicy"/> reads (None, Audit or Enforce) locks
        /// scripts down. Not knowing counts as locked down: a worker must not be freer than its session,
        /// so only None and Audit leave it free.
        /// </summary>
        internal static bool Enforces(Func<object?> readPolicy)
        {
            try
            {
                string? policy = readPolicy()?.ToString();
                return !string.Equals(policy, "None", StringComparison.Ordinal) && !string.Equals(policy, "Audit", StringComparison.Ordinal);
            }
            catch (Exception)
            {
                return true;
            }
        }

        /// <summary>The engine's own answer, SystemPolicy.GetSystemLockdownPolicy(), as the console host reads it.</summary>
        internal static object? ReadPolicy()
        {
            Type policy = typeof(PSObject).Assembly.GetType("System.Management.Automation.Security.SystemPolicy", throwOnError: true);
            MethodInfo get = policy.GetMethod("GetSystemLockdownPolicy", BindingFlags.Public | BindingFlags.Static, null, Type.EmptyTypes, null)
                ?? throw new MissingMethodException(policy.FullName, "GetSystemLockdownPolicy");
            return get.Invoke(null, null);
        }
    }
}
