using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace ProcCmdlets.WorkerProcess
{
    /// <summary>
    /// Starts a worker on the session's own .NET runtime with the session's own PowerShell engine,
    /// loaded from the $PSHOME given as the only argument; nothing secret is on the command line.
    /// </summary>
    internal static class Program
    {
        // Set first thing in Main, before any assembly is resolved.
        private static string s_psHome = null!;

        private static int Main(string[] args)
        {
            if (args.Length != 1 || !File.Exists(Path.Combine(args[0], "System.Management.Automation.dll")))
            {
                Console.Error.WriteLine("usage: ProcCmdlets.Worker <PSHOME>; this program is started by the ProcCmdlets module.");
                return 64;
            }

            s_psHome = args[0];
            AssemblyLoadContext.Default.Resolving += ResolveFromPSHome;
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveNativeFromPSHome;
            return Run();
        }

        // Kept apart from Main so that the engine's assemblies load only after the resolvers are in place.
        private static int Run() => ProcCmdlets.Worker.WorkerMain.Run(engineStartsHere: true);

        private static Assembly? ResolveFromPSHome(AssemblyLoadContext context, AssemblyName name)
        {
            string file = name.Name + ".dll";

            // The module's own assembly is the one at the module's root (this program is in
            // worker/net<N>.0/ under it), so a worker that imports the module loads the same file.
            string module = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", file));
            if (name.Name == "ProcCmdlets" && File.Exists(module))
            {
                return context.LoadFromAssemblyPath(module);
            }

            string path = Path.Combine(s_psHome, file);
            if (File.Exists(path))
            {
                return context.LoadFromAssemblyPath(path);
            }

            // Platform-specific assemblies live under runtimes/<rid>/lib/<tfm>/, as pwsh.deps.json lists them.
            foreach (string rid in RuntimeIdentifiers())
            {
                string lib = Path.Combine(s_psHome, "runtimes", rid, "lib");
                if (!Directory.Exists(lib))
                {
                    continue;
                }

                foreach (string tfm in Directory.GetDirectories(lib))
                {
                    path = Path.Combine(tfm, file);
                    if (File.Exists(path))
                    {
                        return context.LoadFromAssemblyPath(path);
                    }
                }
            }

            return null;
        }

        private static string[] RuntimeIdentifiers()
        {
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            string family = windows ? "win" : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx" : "linux";
            return new[] { RuntimeInformation.RuntimeIdentifier, PortableRid(), family, windows ? "win" : "unix" };
        }

        private static IntPtr ResolveNativeFromPSHome(Assembly assembly, string name)
        {
            string file = name;
            if (!Path.HasExtension(file))
            {
                file += RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ".dll"
                    : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ".dylib" : ".so";
            }

            string root = Path.Combine(s_psHome, file);
            if (File.Exists(root))
            {
                return NativeLibrary.Load(root);
            }

            foreach (string rid in RuntimeIdentifiers())
            {
                string candidate = Path.Combine(s_psHome, "runtimes", rid, "native", file);
                if (File.Exists(candidate))
                {
                    return NativeLibrary.Load(candidate);
                }
            }

            return IntPtr.Zero;
        }

        private static string PortableRid()
        {
            string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx" : "linux";
            return os + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        }
    }
}
