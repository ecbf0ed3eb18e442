using System.Collections.Concurrent;
using System.IO;

namespace ProcCmdlets.Transport
{
    /// <summary>Console text that a transport has already split into lines; ReadLine blocks until one comes, null at the end.</summary>
    internal sealed class LineQueueReader : TextReader
    {
        private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();

        public void Add(string line)
        {
            try
            {
                _lines.Add(line);
            }
            catch (System.InvalidOperationException)
            {
                // Completed already.
            }
        }

        public void Complete() => _lines.CompleteAdding();

        public override string? ReadLine()
        {
            try
            {
                return _lines.Take();
            }
            catch (System.InvalidOperationException)
            {
                return null;
            }
        }
    }
}
