using System.Management.Automation.Runspaces;
using System.Threading;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The apartment of a worker's runspace thread. On Windows it is STA, as in powershell.exe and
    /// pwsh's console, so that WinForms, WPF, the clipboard and STA COM objects work in workers.
    /// Elsewhere there are no apartments (.NET refuses STA off Windows).
    /// </summary>
    internal static class WorkerApartment
    {
        public static ApartmentState For(OSFamily os) => os == OSFamily.Windows ? ApartmentState.STA : ApartmentState.Unknown;

        /// <summary>Sets it on a runspace not yet open (Runspace.ApartmentState is missing from PowerShellStandard's reference assembly).</summary>
        public static void Apply(Runspace runspace, OSFamily os)
        {
            ApartmentState state = For(os);
            if (state != ApartmentState.Unknown)
            {
                typeof(Runspace).GetProperty("ApartmentState")?.SetValue(runspace, state);
            }
        }
    }
}
