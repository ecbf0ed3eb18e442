using System.Collections.Generic;
using System.Management.Automation;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    internal static class ErrorRecordAssert
    {
        /// <summary>Exactly one error, with this id, naming this input item.</summary>
        public static void Single(IList<ErrorRecord> errors, string id, object item)
        {
            ErrorRecord error = Assert.Single(errors);
            Assert.Equal(id, error.FullyQualifiedErrorId);
            Assert.Equal(item, error.TargetObject);
        }
    }
}
