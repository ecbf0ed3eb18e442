using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// The module's trace, as CPython's pool logs through <c>multiprocessing.util.debug</c>: when
    /// <c>$env:PROCCMDLETS_TRACE</c> names a file as the module is first used, the pools' decisions and
    /// every frame's kind and size are appended to it, one line each. The variable is read once. The
    /// trace goes to a file and not to the debug stream because most of it happens on background
    /// threads, which never write to the pipeline, and often while no command runs (jobs). A worker
    /// process writes its own file, the path followed by <c>.</c> and its process id: appends of
    /// several processes to one file lose lines (.NET does not open it O_APPEND).
    /// Off, a call costs the test of a static readonly bool, which the JIT folds away: the methods
    /// are generic (no boxing) and inlined, so no argument is formatted.
    /// </summary>
    internal static class DebugTrace
    {
        public const string Variable = "PROCCMDLETS_TRACE";

        /// <summary>The file named when the module was first used, or null.</summary>
        public static readonly string? Path = Environment.GetEnvironmentVariable(Variable) is string path && path.Length > 0 ? path : null;

        public static readonly bool On = Path != null;

        private static readonly object Lock = new object();
        private static bool s_inWorker;
        private static StreamWriter? s_writer;
        private static bool s_broken;

        /// <summary>Called first thing in a worker process: its trace goes to a file of its own.</summary>
        public static void InWorker() => s_inWorker = true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write<T1>(string format, T1 a)
        {
            if (On)
            {
                Append(string.Format(CultureInfo.InvariantCulture, format, a));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write<T1, T2>(string format, T1 a, T2 b)
        {
            if (On)
            {
                Append(string.Format(CultureInfo.InvariantCulture, format, a, b));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write<T1, T2, T3>(string format, T1 a, T2 b, T3 c)
        {
            if (On)
            {
                Append(string.Format(CultureInfo.InvariantCulture, format, a, b, c));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write<T1, T2, T3, T4>(string format, T1 a, T2 b, T3 c, T4 d)
        {
            if (On)
            {
                Append(string.Format(CultureInfo.InvariantCulture, format, a, b, c, d));
            }
        }

        /// <summary>A frame queued on <paramref name="writer"/> (its thread's name says where it goes): its kind and payload size.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Sent(string writer, FrameKind kind, int payloadBytes)
        {
            if (On)
            {
                Append(string.Format(CultureInfo.InvariantCulture, "frame > {0} {1} B ({2})", kind, payloadBytes, writer));
            }
        }

        /// <summary>A frame the session read from a worker: its kind and payload size.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Received(int processId, FrameKind kind, int payloadBytes)
        {
            if (On)
            {
                Append(string.Format(CultureInfo.InvariantCulture, "frame < {0} {1} B (from worker {2})", kind, payloadBytes, processId));
            }
        }

        private static void Append(string message)
        {
            lock (Lock)
            {
                if (s_broken)
                {
                    return;
                }

                try
                {
                    if (s_writer == null)
                    {
                        string path = Path + (s_inWorker ? "." + Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture) : string.Empty);
                        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                        s_writer = new StreamWriter(file, new UTF8Encoding(false)) { AutoFlush = true };
                    }

                    s_writer.WriteLine(DateTime.UtcNow.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + " [" + Environment.CurrentManagedThreadId.ToString(CultureInfo.InvariantCulture) + "] " + message);
                }
                catch (Exception)
                {
                    // A trace that cannot be written must never break the work it describes.
                    s_broken = true;
                }
            }
        }
    }
}
