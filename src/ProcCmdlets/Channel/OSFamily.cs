namespace ProcCmdlets.Channel
{
    /// <summary>The operating systems whose process and pipe behaviour differs in ways the module cares about.</summary>
    internal enum OSFamily
    {
        Linux,
        MacOS,
        Windows,

        /// <summary>Another Unix (FreeBSD and the like): POSIX rules, its own constants.</summary>
        OtherUnix,
    }
}
