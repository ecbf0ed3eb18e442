using System;

namespace ProcCmdlets
{
    /// <summary>A command a worker's script needs that the session cannot give to a worker (a function of a dynamic module, a name that is not defined).</summary>
    public sealed class CommandNotCarriedException : Exception
    {
        internal CommandNotCarriedException(string name, string reason)
            : base($"The command '{name}' cannot be carried to a worker process: {reason}")
        {
            CommandName = name;
        }

        /// <summary>The command's name as the script or -Function spelled it.</summary>
        public string CommandName { get; }
    }
}
