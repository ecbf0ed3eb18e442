namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>A function or filter of the session, as a worker defines it: its name and its body's text.</summary>
    internal sealed class CarriedFunction
    {
        public CarriedFunction(string name, bool isFilter, string definition)
        {
            Name = name;
            IsFilter = isFilter;
            Definition = definition;
        }

        public string Name { get; }

        public bool IsFilter { get; }

        public string Definition { get; }
    }
}
