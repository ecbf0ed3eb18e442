using System;
using System.IO;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// Makes ProcCmdlets importable by name in a worker (so a worker can start workers and pools):
    /// the folder that holds the module's folder goes first on the worker's PSModulePath.
    /// </summary>
    internal static class ModuleHome
    {
        private const string ModuleName = "ProcCmdlets";

        public static void Expose()
        {
            string? entry = ModulePathEntry(typeof(ModuleHome).Assembly.Location);
            if (entry == null)
            {
                return;
            }

            string current = Environment.GetEnvironmentVariable("PSModulePath") ?? string.Empty;
            foreach (string part in current.Split(Path.PathSeparator))
            {
                if (string.Equals(part.TrimEnd('/', '\\'), entry, StringComparison.Ordinal))
                {
                    return;
                }
            }

            Environment.SetEnvironmentVariable("PSModulePath", current.Length == 0 ? entry : entry + Path.PathSeparator + current);
        }

        /// <summary>
        /// The PSModulePath entry under which <paramref name="assemblyPath"/>'s module is found by name:
        /// <c>X</c> for <c>X/ProcCmdlets/1.2.3/ProcCmdlets.dll</c> and for <c>X/ProcCmdlets/ProcCmdlets.dll</c>;
        /// null when the assembly is not in such a layout (a build folder).
        /// </summary>
        internal static string? ModulePathEntry(string? assemblyPath)
        {
            if (assemblyPath == null || assemblyPath.Length == 0)
            {
                return null;
            }

            DirectoryInfo? folder = new FileInfo(assemblyPath).Directory;
            if (folder == null || !File.Exists(Path.Combine(folder.FullName, ModuleName + ".psd1")))
            {
                return null;
            }

            if (Version.TryParse(folder.Name, out _) && folder.Parent != null)
            {
                folder = folder.Parent;
            }

            if (!string.Equals(folder.Name, ModuleName, StringComparison.OrdinalIgnoreCase) || folder.Parent == null)
            {
                return null;
            }

            return folder.Parent.FullName.TrimEnd('/', '\\');
        }
    }
}
