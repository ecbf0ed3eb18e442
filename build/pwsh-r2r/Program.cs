namespace ProcCmdlets.PwshHost
{
    internal static class Program
    {
        // The console host's own entry, as the installed pwsh calls it.
        private static int Main(string[] args) => Microsoft.PowerShell.UnmanagedPSEntry.Start(args, args.Length);
    }
}
