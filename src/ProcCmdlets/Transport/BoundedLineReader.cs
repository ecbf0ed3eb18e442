using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Reads a worker's console text line by line, as <see cref="TextReader.ReadLine"/> does, but never
    /// holds more than <see cref="MaxLineChars"/> of one line: a longer line comes back as several, in
    /// order, so that a worker writing without a newline costs the session a bounded buffer and loses
    /// nothing. A newline right after a piece cut at the limit ends that piece; it adds no empty line.
    /// </summary>
    internal sealed class BoundedLineReader : TextReader
    {
        public const int MaxLineChars = 16 << 10;

        /// <summary>A console-sync marker's longest form: its prefix and a long's digits.</summary>
        private static readonly int MarkerChars = ConsoleSync.Prefix.Length + 20;

        private readonly TextReader _inner;
        private readonly char[] _buffer = new char[4096];
        private readonly int _maxLineChars;
        private int _start;
        private int _end;
        private bool _skipLineFeed;
        private bool _afterCut;
        private readonly StringBuilder _line = new StringBuilder();

        public BoundedLineReader(TextReader inner, int maxLineChars = MaxLineChars)
        {
            _inner = inner;
            _maxLineChars = Math.Max(2, maxLineChars);
        }

        public override string? ReadLine()
        {
            while (true)
            {
                if (TryLine(out string? line))
                {
                    return line;
                }

                _start = 0;
                _end = Math.Max(0, _inner.Read(_buffer, 0, _buffer.Length));
                if (_end == 0)
                {
                    return AtEnd();
                }
            }
        }

        /// <summary>As <see cref="ReadLine"/>, holding no thread while it waits when the inner reader reads asynchronously.</summary>
        public override async Task<string?> ReadLineAsync()
        {
            while (true)
            {
                if (TryLine(out string? line))
                {
                    return line;
                }

                _start = 0;
                _end = Math.Max(0, await _inner.ReadAsync(_buffer, 0, _buffer.Length).ConfigureAwait(false));
                if (_end == 0)
                {
                    return AtEnd();
                }
            }
        }

        /// <summary>The next line from what has been read; false when the buffer ran out first (the line so far is kept).</summary>
        private bool TryLine(out string? result)
        {
            StringBuilder line = _line;
            while (_start < _end)
            {
                if (SkipLineFeed())
                {
                    continue;
                }

                bool afterCut = _afterCut && line.Length == 0;
                _afterCut = false;
                int stop = Math.Min(_end, _start + _maxLineChars - line.Length);
                int i = _start;
                while (i < stop && _buffer[i] != '\n' && _buffer[i] != '\r')
                {
                    i++;
                }

                if (i < stop)
                {
                    line.Append(_buffer, _start, i - _start);
                    _skipLineFeed = _buffer[i] == '\r';
                    _start = i + 1;
                    if (afterCut && line.Length == 0)
                    {
                        // The newline that ends a line just cut at the limit.
                        continue;
                    }

                    result = line.ToString();
                    line.Clear();
                    return true;
                }

                line.Append(_buffer, _start, stop - _start);
                _start = stop;
                if (line.Length >= _maxLineChars)
                {
                    result = Cut(line, out _afterCut);
                    return true;
                }
            }

            result = null;
            return false;
        }

        /// <summary>The input ended: the unfinished line, or null.</summary>
        private string? AtEnd()
        {
            _afterCut = false;
            if (_line.Length == 0)
            {
                return null;
            }

            string rest = _line.ToString();
            _line.Clear();
            return rest;
        }

        /// <summary>Skips the line feed of a CR LF whose CR ended the last line; true when it did.</summary>
        private bool SkipLineFeed()
        {
            if (!_skipLineFeed)
            {
                return false;
            }

            _skipLineFeed = false;
            if (_buffer[_start] == '\n')
            {
                _start++;
                return true;
            }

            return false;
        }

        /// <summary>Gives a full line up to where it may be cut and keeps the rest for the next line.</summary>
        private static string Cut(StringBuilder line, out bool whole)
        {
            int keep = CutAt(line);
            string piece = line.ToString(0, keep);
            line.Remove(0, keep);
            whole = line.Length == 0;
            return piece;
        }

        /// <summary>
        /// Where to cut a full piece: before a console-sync marker that may have begun near its end (the
        /// session finds a marker only whole, within one line), or before the first half of a surrogate pair.
        /// </summary>
        private static int CutAt(StringBuilder line)
        {
            int length = line.Length;
            for (int i = length - 1; i >= Math.Max(1, length - MarkerChars); i--)
            {
                if (line[i] == ConsoleSync.Prefix[0])
                {
                    return i;
                }
            }

            return char.IsHighSurrogate(line[length - 1]) ? length - 1 : length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
