using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// A task's script blocks, compiled once and kept by mode and script text: a map run again with
    /// the same script reuses what the engine compiled for it (its loops especially). The wrapper
    /// pulls items from the feed (<c>$__pcFeed</c>) and reports a terminating error as that item's.
    /// The wrapper runs in the session's language mode (it holds the script itself in Inline mode), so
    /// it calls no method: ConstrainedLanguage allows reading the feed's properties and running a
    /// command, not calling the feed's methods. A script block made here takes the language mode the
    /// worker's runspace has at that moment (the main thread's default runspace), so they are made
    /// after the task's mode is set and kept per mode: one made for a session in one mode never runs
    /// for a session in another.
    /// </summary>
    internal sealed class TaskWrapper
    {
        private const string Catch = "} catch { & $__pcFeed.FailCommand $__pcFeed $_ } } while ($false) } }";
        private const int CacheLimit = 64;
        private static readonly Dictionary<(TaskMode, string, PSLanguageMode), TaskWrapper> Cache = new Dictionary<(TaskMode, string, PSLanguageMode), TaskWrapper>();

        private TaskWrapper(TaskMode mode, string script)
        {
            string wrapper;
            switch (mode)
            {
                case TaskMode.Inline:
                    wrapper = "param($__pcFeed)\n$__pcFeed | & { process { do { try {\n" + script + "\n" + Catch;
                    break;
                case TaskMode.Positional:
                    Script = ScriptBlock.Create(script);
                    wrapper = "param($__pcFeed)\n$__pcS = $__pcFeed.Script; $__pcA = $__pcFeed.Args\n$__pcFeed | & { process { do { try { & $__pcS $_ @__pcA " + Catch;
                    break;
                case TaskMode.Splat:
                    Script = ScriptBlock.Create(script);
                    wrapper = "param($__pcFeed)\n$__pcS = $__pcFeed.Script; $__pcA = $__pcFeed.Args\n$__pcFeed | & { process { do { try { $__pcI = $_; & $__pcS @__pcI @__pcA " + Catch;
                    break;
                default:
                    Script = ScriptBlock.Create(script);
                    wrapper = "param($__pcFeed)\n$__pcS = $__pcFeed.Script; $__pcA = $__pcFeed.Args\n$__pcFeed | & { process { do { try { & $__pcS @__pcA " + Catch;
                    break;
            }

            Wrapper = ScriptBlock.Create(wrapper);
        }

        /// <summary>What a pipeline of chunks runs, given the feed.</summary>
        public ScriptBlock Wrapper { get; }

        /// <summary>The user's script block (all modes but Inline, where it is part of the wrapper).</summary>
        public ScriptBlock? Script { get; }

        public static TaskWrapper For(TaskMode mode, string script, PSLanguageMode languageMode)
        {
            if (!Cache.TryGetValue((mode, script, languageMode), out TaskWrapper? compiled))
            {
                if (Cache.Count >= CacheLimit)
                {
                    Cache.Clear();
                }

                compiled = new TaskWrapper(mode, script);
                Cache[(mode, script, languageMode)] = compiled;
            }

            return compiled;
        }
    }
}
