using System;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// The type names and property names that rows of one kind share: sent once on a channel
    /// (<see cref="Protocol.ShapeDefinitions"/>), then named by its number in each row
    /// (<see cref="ValueCodec.Tag.Shaped"/>).
    /// </summary>
    internal sealed class Shape
    {
        public Shape(string[] typeNames, string[] propertyNames)
        {
            TypeNames = typeNames;
            PropertyNames = propertyNames;
        }

        public string[] TypeNames { get; }

        public string[] PropertyNames { get; }

        /// <summary>The type names a row of this shape gets when it is read back, made once by <see cref="ForReading"/> (null before).</summary>
        public string[]? DeserializedNames { get; private set; }

        /// <summary>The engine's read-only list of <see cref="DeserializedNames"/>, which the rows read back share (null where the engine has none).</summary>
        public object? SharedNames { get; private set; }

        /// <summary>
        /// Whether a row of this shape has been read back through <c>Properties.Add</c>, which tells the
        /// engine's member binders of each property name; later rows then take <see cref="RowMembers"/>.
        /// </summary>
        public bool NamesNoted { get; set; }

        public Shape ForReading()
        {
            var names = new string[TypeNames.Length];
            for (int i = 0; i < names.Length; i++)
            {
                string name = TypeNames[i];
                names[i] = name.StartsWith("Deserialized.", StringComparison.Ordinal) ? name : "Deserialized." + name;
            }

            DeserializedNames = names;
            SharedNames = TypeNameAccess.Share(names);
            return this;
        }
    }
}
