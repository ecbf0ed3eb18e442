using System.IO;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>A null string where the protocol requires one is a malformed frame, refused as such.</summary>
    public class NullStringTests
    {
        [Fact]
        public void ACustomObjectWithANullTypeNameIsMalformed()
        {
            var w = new PayloadWriter();
            w.WriteByte(19); // a custom object
            w.WriteVarUInt(1);
            w.WriteString(null);
            w.WriteVarUInt(0);

            Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(w.ToArray())));
        }

        [Fact]
        public void ACustomObjectWithANullPropertyNameIsMalformed()
        {
            var w = new PayloadWriter();
            w.WriteByte(19);
            w.WriteVarUInt(0);
            w.WriteVarUInt(1);
            w.WriteString(null);
            w.WriteByte(0); // its value, null

            Assert.Throws<InvalidDataException>(() => ValueCodec.Read(new PayloadReader(w.ToArray())));
        }

        [Fact]
        public void ReadRequiredStringRefusesANullOneAndReadsAnEmptyOne()
        {
            var w = new PayloadWriter();
            w.WriteString(string.Empty);
            w.WriteString(null);
            var r = new PayloadReader(w.ToArray());

            Assert.Equal(string.Empty, r.ReadRequiredString());
            Assert.Throws<InvalidDataException>(() => r.ReadRequiredString());
        }
    }
}
