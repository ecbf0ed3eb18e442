using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// One worker a host agent started: a local pwsh running the worker bootstrap, fed the assembly
    /// and then its channel's bytes from the session; its output and console go back tagged with its
    /// number, and its exit status after both have ended.
    /// </summary>
    internal sealed class AgentChild
    {
        // The agent runs on pwsh 7.2 or later (.NET 6+), where Process.Kill(bool) exists; the assembly targets netstandard2.0.
        private static readonly Action<Process, bool>? KillTree =
            (Action<Process, bool>?)typeof(Process).GetMethod("Kill", new[] { typeof(bool) })?.CreateDelegate(typeof(Action<Process, bool>));

        private static readonly bool Unix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>
        /// What a worker's pwsh starts with unless the host's environment sets it: the tuning a local
        /// worker gets (LaunchContract.RuntimeTuning), no background GC thread and no diagnostics
        /// endpoints (as the bundled worker program has), and no telemetry from pwsh's start. The
        /// worker removes them again before any script runs. Measured on the 2-core test machine at
        /// load average 38: 1.51-1.58 s of CPU to a worker's first warm-up step instead of 1.63-1.69 s.
        /// </summary>
        private static readonly (string Name, string Value)[] StartTuning =
        {
            LaunchContract.RuntimeTuning[0],
            LaunchContract.RuntimeTuning[1],
            ("DOTNET_gcConcurrent", "0"),
            (LaunchContract.DiagnosticsVariable, "0"),
            ("POWERSHELL_TELEMETRY_OPTOUT", "1"),
        };

        private readonly AgentSender _sender;
        private readonly byte[] _image;
        private readonly Action<AgentChild> _ended;
        private readonly Action<AgentChild>? _ready;
        private readonly FrameQueue _input = new FrameQueue();
        private Thread? _consoleThread;
        private Process? _process;
        private int _workerPid;

        /// <summary>A worker numbered <paramref name="id"/>; <paramref name="ended"/> is called once it has ended (or failed to start), <paramref name="ready"/> once, from another thread, when it has loaded the image (its ready line).</summary>
        public AgentChild(uint id, AgentSender sender, byte[] image, Action<AgentChild> ended, Action<AgentChild>? ready = null)
        {
            Id = id;
            _sender = sender;
            _image = image;
            _ended = ended;
            _ready = ready;
        }

        public uint Id { get; }

        /// <summary>Bytes from the session not yet written to the worker.</summary>
        public CreditWindow Inbound { get; } = new CreditWindow();

        /// <summary>Bytes of the worker's output not yet consumed by the session.</summary>
        public CreditWindow Outbound { get; } = new CreditWindow();

        /// <summary>Starts the worker: <paramref name="leadingArguments"/> (a command line, or empty) come before pwsh's own.</summary>
        public void Start(string powerShellPath, string leadingArguments, string encodedBootstrap)
        {
            string arguments = (leadingArguments.Length > 0 ? leadingArguments + " " : string.Empty) + "-NoLogo -NoProfile -NonInteractive -EncodedCommand " + encodedBootstrap;
            var info = new ProcessStartInfo(powerShellPath, arguments)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            Tune(info);
            try
            {
                var process = new Process { StartInfo = info };
                process.Start();
                _process = process;
            }
            catch (Exception e)
            {
                _input.Complete();
                Console("ProcCmdlets could not start a worker on this host: '" + powerShellPath + "': " + e.Message);
                _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Exited, Id, 127));
                _ended(this);
                return;
            }

            DebugTrace.Write("agent: worker {0} is process {1}", Id, _process.Id);
            _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Started, Id, _process.Id));
            StartThread("input", WriteLoop);
            _consoleThread = StartThread("console", ConsoleLoop);
            StartThread("output", OutputLoop);
        }

        /// <summary>Adds <see cref="StartTuning"/>'s variables the agent's environment lacks, and the list of them that the worker removes.</summary>
        private static void Tune(ProcessStartInfo info)
        {
            var added = new StringBuilder();
            foreach (var (name, value) in StartTuning)
            {
                if (Environment.GetEnvironmentVariable(name) == null)
                {
                    info.Environment[name] = value;
                    added.Append(name).Append(';');
                }
            }

            if (added.Length > 0)
            {
                info.Environment[LaunchContract.UnsetTuningVariable] = added.ToString();
            }
        }

        /// <summary>Bytes for the worker's channel, in order.</summary>
        public void Write(byte[] bytes)
        {
            if (!_input.Add(bytes))
            {
                // Its input is closed: the bytes have nowhere to go, but the session's window gets them back.
                Consumed(bytes.Length);
            }
        }

        /// <summary>The session closed the worker's channel: its input closes once what was sent is written.</summary>
        public void CloseInput()
        {
            _input.Complete();
        }

        /// <summary>
        /// Ends a worker the agent had not started yet (the session killed it while it waited for its
        /// turn): its input is dropped and the session hears that it exited, as if killed.
        /// </summary>
        public void Abandon()
        {
            CloseInput();
            while (_input.TryTake(out byte[] bytes))
            {
                Consumed(bytes.Length);
            }

            _ended(this);
            _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Exited, Id, 137));
        }

        /// <summary>Ends the worker and what it started (its process group on Unix, its tree everywhere).</summary>
        public void Kill()
        {
            CloseInput();
            Process? process = _process;
            if (process == null)
            {
                return;
            }

            int group = Volatile.Read(ref _workerPid);
            if (Unix && group > 0)
            {
                try
                {
                    _ = kill(-group, 9);
                }
                catch (Exception)
                {
                }
            }

            try
            {
                if (KillTree != null)
                {
                    KillTree(process, true);
                }
                else
                {
                    process.Kill();
                }
            }
            catch (Exception)
            {
                // It has exited already.
            }
        }

        private void WriteLoop()
        {
            Stream stdin = _process!.StandardInput.BaseStream;
            try
            {
                stdin.Write(BitConverter.GetBytes(_image.Length), 0, 4);
                stdin.Write(_image, 0, _image.Length);
                stdin.Flush();
                DebugTrace.Write("agent: worker {0} was given the image", Id);
                while (_input.TryTake(out byte[] bytes))
                {
                    stdin.Write(bytes, 0, bytes.Length);
                    if (_input.Count == 0)
                    {
                        stdin.Flush();
                    }

                    Consumed(bytes.Length);
                }
            }
            catch (Exception)
            {
                // The worker is gone: whatever the session still sends is acknowledged unwritten.
                CloseInput();
                while (_input.TryTake(out byte[] bytes))
                {
                    Consumed(bytes.Length);
                }
            }
            finally
            {
                try
                {
                    stdin.Dispose();
                }
                catch (Exception)
                {
                }
            }
        }

        private void Consumed(int count)
        {
            Inbound.Return(count);
            _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Consumed, Id, count));
        }

        private void ConsoleLoop()
        {
            try
            {
                StreamReader reader = _process!.StandardError;
                var line = new StringBuilder();
                int c;
                while ((c = reader.Read()) >= 0)
                {
                    if (c == '\n' || line.Length >= AgentFrameReader.MaxLineChars)
                    {
                        OnLine(line.ToString().TrimEnd('\r'));
                        line.Clear();
                        if (c == '\n')
                        {
                            continue;
                        }
                    }

                    line.Append((char)c);
                }

                if (line.Length > 0)
                {
                    OnLine(line.ToString());
                }
            }
            catch (Exception)
            {
            }
        }

        private void OnLine(string line)
        {
            int? pid = Volatile.Read(ref _workerPid) == 0 ? ReadyLine.Parse(line) : null;
            if (pid.HasValue)
            {
                DebugTrace.Write("agent: worker {0} loaded the image", Id);
                Volatile.Write(ref _workerPid, pid.Value);
                Console(line);
                _ready?.Invoke(this);
                return;
            }

            Console(line);
        }

        private void Console(string line)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line);
            _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Console, Id, bytes, 0, Math.Min(bytes.Length, AgentFrameReader.MaxChunkBytes)));
        }

        private void OutputLoop()
        {
            Process process = _process!;
            Stream stdout = process.StandardOutput.BaseStream;
            var buffer = new byte[AgentFrameReader.MaxChunkBytes];
            try
            {
                int n;
                bool first = true;
                while ((n = stdout.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (!Outbound.Take(n))
                    {
                        break;
                    }

                    _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Output, Id, buffer, 0, n));
                    if (first)
                    {
                        DebugTrace.Write("agent: worker {0}'s first output, {1} B", Id, n);
                        first = false;
                    }
                }
            }
            catch (Exception)
            {
            }

            _consoleThread?.Join();
            int status;
            try
            {
                process.WaitForExit();
                status = process.ExitCode;
            }
            catch (Exception)
            {
                status = 255;
            }

            _ended(this);
            CloseInput();
            _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Exited, Id, status));
            process.Dispose();
        }

        private Thread StartThread(string what, ThreadStart loop)
        {
            var thread = new Thread(loop) { IsBackground = true, Name = $"ProcCmdlets agent {what} {Id}" };
            thread.Start();
            return thread;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);
    }
}
