using System;
using System.Management.Automation;

namespace ProcCmdlets
{
    /// <summary>A value that the channel cannot carry (its serialization failed).</summary>
    public sealed class ValueNotCarriedException : Exception
    {
        internal ValueNotCarriedException(object value, Exception inner)
            : base($"A value of type '{TypeName(value)}' cannot be carried to another process: {inner.Message}", inner)
        {
        }

        private static string TypeName(object value) =>
            (value is PSObject pso ? pso.BaseObject : value)?.GetType().FullName ?? "null";
    }
}
