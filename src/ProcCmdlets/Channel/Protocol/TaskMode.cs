namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>How a pool task runs its script block for each item.</summary>
    internal enum TaskMode : byte
    {
        /// <summary>The script's body is inlined as the process block: the item is <c>$_</c>.</summary>
        Inline = 0,

        /// <summary><c>&amp; $script $_ @ArgumentList</c>.</summary>
        Positional = 1,

        /// <summary><c>&amp; $script @item @ArgumentList</c>.</summary>
        Splat = 2,

        /// <summary><c>&amp; $script @ArgumentList</c>, once, with no item.</summary>
        Apply = 3,
    }
}
