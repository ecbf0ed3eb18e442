using System.Collections.Generic;
using System.Runtime.CompilerServices;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// The sending side of row shapes: numbers each new shape (type names and property names) of
    /// the pscustomobjects it writes. A worker's writer belongs to its channel (<see cref="For"/>):
    /// every relay writing on it shares one, and it sends a definition, under its lock, before the
    /// record that first names it. A pool's writer for input items (<see cref="Unsent"/>) only
    /// numbers them: items are encoded before the pool knows which worker runs them, so the pool
    /// sends each worker the definitions it lacks before a chunk (<see cref="WriteDefinitions"/>).
    /// </summary>
    internal sealed class ShapeWriter
    {
        /// <summary>Shapes one channel defines at most; rows of other shapes go with their names.</summary>
        public const int MaxShapes = 256;

        private static readonly ConditionalWeakTable<FrameWriter, ShapeWriter> ByChannel = new ConditionalWeakTable<FrameWriter, ShapeWriter>();

        [System.ThreadStatic]
        private static ShapeWriter? s_current;

        private readonly FrameWriter? _channel;
        private readonly object _lock = new object();
        private readonly Dictionary<string, int> _ids = new Dictionary<string, int>(System.StringComparer.Ordinal);
        private readonly List<Shape> _shapes = new List<Shape>();

        /// <summary>
        /// The shape named last and its number, read without the lock: most values are of the shape
        /// before them, and a pool's writer is also read by the threads that dispatch chunks.
        /// </summary>
        private volatile System.Tuple<Shape, int>? _last;

        private volatile int _count;

        private ShapeWriter(FrameWriter? channel)
        {
            _channel = channel;
        }

        /// <summary>The writer <see cref="ValueCodec"/> uses on this thread, or null where rows go with their names.</summary>
        public static ShapeWriter? Current
        {
            get => s_current;
            set => s_current = value;
        }

        /// <summary>How many shapes are numbered so far.</summary>
        public int Count => _count;

        public static ShapeWriter For(FrameWriter channel) => ByChannel.GetValue(channel, c => new ShapeWriter(c));

        /// <summary>A writer that numbers shapes and sends nothing itself.</summary>
        public static ShapeWriter Unsent() => new ShapeWriter(null);

        /// <summary>Writes the definitions of the shapes numbered from <paramref name="from"/> on (a Shapes payload); returns the count of shapes numbered, or <paramref name="from"/> when none are new.</summary>
        public int WriteDefinitions(PayloadWriter w, int from)
        {
            lock (_lock)
            {
                if (from < _shapes.Count)
                {
                    ShapeDefinitions.Write(w, from, _shapes.GetRange(from, _shapes.Count - from));
                }

                return System.Math.Max(from, _shapes.Count);
            }
        }

        /// <summary>
        /// The number of the shape of a row (its type names and property names) or a dictionary (no
        /// type names, its keys), defined first if it is new; -1 when the writer has as many as it
        /// may, or when two names differ only in case (the reader's dictionaries and rows ignore
        /// case, so such a value goes with its names, as before).
        /// </summary>
        public int IdOf(IList<string> typeNames, List<string> names)
        {
            System.Tuple<Shape, int>? last = _last;
            if (last != null && Matches(last.Item1, typeNames, names))
            {
                return last.Item2;
            }

            lock (_lock)
            {

                string key = string.Join("\u0001", typeNames) + "\u0000" + string.Join("\u0001", names);
                if (!_ids.TryGetValue(key, out int id))
                {
                    if (_shapes.Count >= MaxShapes || HasCaseTwins(names))
                    {
                        return -1;
                    }

                    var typeArray = new string[typeNames.Count];
                    typeNames.CopyTo(typeArray, 0);
                    var shape = new Shape(typeArray, names.ToArray());
                    id = _shapes.Count;
                    _shapes.Add(shape);
                    _ids.Add(key, id);
                    _count = _shapes.Count;
                    if (_channel != null)
                    {
                        var definition = new PayloadWriter(64 + (16 * names.Count));
                        ShapeDefinitions.Write(definition, id, shape);
                        _channel.Send(FrameKind.Shapes, definition);
                    }
                }

                _last = System.Tuple.Create(_shapes[id], id);
                return id;
            }
        }

        private static bool HasCaseTwins(List<string> names)
        {
            var seen = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase);
            foreach (string name in names)
            {
                if (!seen.Add(name))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Matches(Shape shape, IList<string> typeNames, List<string> names)
        {
            if (shape.PropertyNames.Length != names.Count || shape.TypeNames.Length != typeNames.Count)
            {
                return false;
            }

            for (int i = 0; i < names.Count; i++)
            {
                if (!string.Equals(shape.PropertyNames[i], names[i], System.StringComparison.Ordinal))
                {
                    return false;
                }
            }

            for (int i = 0; i < typeNames.Count; i++)
            {
                if (!string.Equals(shape.TypeNames[i], typeNames[i], System.StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
