#Requires -Version 7.0
# Shared helpers of the ProcCmdlets Pester tests. A helper one test file needs twice belongs here.
#
# Bounds on waits: a wait for an event (Wait-WorkerProcess, Wait-Job, Wait-Until, a shared object's
# Wait or Get) returns when the event comes, so its bound costs time only when a test fails. A bound
# on a worker's start and a short run is 60 s: twice the 25-28 s a new pool of two once took on a
# busy machine (one worker took 3.4-5.8 s at a load average of 20 on 2 cores). Four workers at once
# allow 90 s. A longer bound says why (data volume, a bounded run whose inner bounds add up to it).

Set-StrictMode -Version Latest

$script:ModulePath = Join-Path $PSScriptRoot '../../output/ProcCmdlets'
$script:WorkerMarker = 'ProcCmdlets.Worker'
# A worker started by pwsh runs the module's hidden cmdlet instead.
$script:HostWorkerMarker = 'Invoke-ProcCmdletsWorker'

function Import-ProcCmdletsForTest {
    <#
    .SYNOPSIS
        Imports the built ProcCmdlets module (output/ProcCmdlets) into the global session state.
    #>
    [CmdletBinding()]
    param()

    $path = Get-ProcCmdletsModulePath
    if (-not (Test-Path -LiteralPath $path)) {
        throw "ProcCmdlets is not built: '$path' does not exist. Run ./build.ps1 -Task Build first."
    }

    Import-Module $path -Force -Global -ErrorAction Stop
}

function Get-ProcCmdletsModulePath {
    <#
    .SYNOPSIS
        The full path of the built module folder (output/ProcCmdlets).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    [System.IO.Path]::GetFullPath($script:ModulePath)
}

function New-ProcCmdletsPowerShell {
    <#
    .SYNOPSIS
        Creates a [powershell] instance with its own new runspace in which ProcCmdlets is imported.
        The caller closes it with $instance.Runspace.Close(); $instance.Dispose().
    #>
    [CmdletBinding()]
    [OutputType([powershell])]
    param(
        # When set, $ProcCmdletsWarmSpare is $false in the new runspace.
        [switch] $NoWarmSpare
    )

    $instance = [powershell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
    $null = $instance.AddScript('param($Path, $NoSpare) Import-Module $Path -ErrorAction Stop; if ($NoSpare) { $global:ProcCmdletsWarmSpare = $false }').
        AddArgument((Get-ProcCmdletsModulePath)).AddArgument([bool] $NoWarmSpare)
    $null = $instance.Invoke()
    if ($instance.HadErrors) {
        $message = $instance.Streams.Error -join '; '
        $instance.Dispose()
        throw "Could not import ProcCmdlets in a new runspace: $message"
    }

    $instance.Commands.Clear()
    $instance.Streams.ClearStreams()
    $instance
}

function Get-WorkerChildProcess {
    <#
    .SYNOPSIS
        Lists the processes that are children of this PowerShell process and run ProcCmdlets.Worker.
    .OUTPUTS
        Objects with ProcessId, ParentProcessId and CommandLine.
    #>
    [CmdletBinding()]
    param(
        [int] $ParentProcessId = $PID
    )

    if ($IsLinux) {
        foreach ($directory in [System.IO.Directory]::EnumerateDirectories('/proc')) {
            $name = [System.IO.Path]::GetFileName($directory)
            if ($name -notmatch '^\d+$') {
                continue
            }

            try {
                $stat = [System.IO.File]::ReadAllText("$directory/stat")
                # pid (comm) state ppid ...; comm may hold spaces and parentheses.
                $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
                $ppid = [int] $fields[1]
                if ($ppid -ne $ParentProcessId) {
                    continue
                }

                $commandLine = ([System.IO.File]::ReadAllText("$directory/cmdline")) -replace "`0", ' '
            }
            catch {
                # The process ended while it was being read.
                continue
            }

            if ($commandLine.Contains($script:WorkerMarker) -or $commandLine.Contains($script:HostWorkerMarker)) {
                [pscustomobject]@{
                    ProcessId       = [int] $name
                    ParentProcessId = $ppid
                    CommandLine     = $commandLine.Trim()
                }
            }
        }
    }
    elseif ($IsWindows) {
        # Not Win32_Process: CIM needs the MI native library, which Wine does not have (the query
        # fails and the waits of Assert-NoWorkerLeft ran to their end); ntdll's process queries
        # give the parent and the command line on Windows and under Wine alike.
        Initialize-ProcessQuery
        foreach ($process in [System.Diagnostics.Process]::GetProcesses()) {
            $info = [ProcCmdletsTests.ProcessQuery]::Describe($process.Id)
            $process.Dispose()
            if ($null -eq $info -or $info.ParentProcessId -ne $ParentProcessId -or -not $info.CommandLine) {
                continue
            }

            if ($info.CommandLine.Contains($script:WorkerMarker) -or $info.CommandLine.Contains($script:HostWorkerMarker)) {
                [pscustomobject]@{
                    ProcessId       = $info.ProcessId
                    ParentProcessId = $info.ParentProcessId
                    CommandLine     = $info.CommandLine
                }
            }
        }
    }
    else {
        foreach ($line in (& ps -A -o 'pid=,ppid=,command=')) {
            if ($line -match '^\s*(\d+)\s+(\d+)\s+(.*)$' -and [int] $Matches[2] -eq $ParentProcessId -and
                ($Matches[3].Contains($script:WorkerMarker) -or $Matches[3].Contains($script:HostWorkerMarker))) {
                [pscustomobject]@{
                    ProcessId       = [int] $Matches[1]
                    ParentProcessId = [int] $Matches[2]
                    CommandLine     = $Matches[3]
                }
            }
        }
    }
}

function Initialize-ProcessQuery {
    # Compiled once per session, when a Windows test first lists processes.
    if ('ProcCmdletsTests.ProcessQuery' -as [type]) {
        return
    }

    Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;

namespace ProcCmdletsTests
{
    public sealed class ProcessInfo
    {
        public int ProcessId;
        public int ParentProcessId;
        public string CommandLine;
    }

    public static class ProcessQuery
    {
        private const int QueryInformationAndRead = 0x0410;
        private const int ProcessBasicInformation = 0;
        private const int ProcessCommandLineInformation = 60;

        [StructLayout(LayoutKind.Sequential)]
        private struct BasicInformation
        {
            public IntPtr ExitStatus;
            public IntPtr PebBaseAddress;
            public IntPtr AffinityMask;
            public IntPtr BasePriority;
            public IntPtr UniqueProcessId;
            public IntPtr InheritedFromUniqueProcessId;
        }

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern IntPtr OpenProcess(int access, bool inherit, int processId);

        [DllImport("kernel32.dll")]
        private static extern bool CloseHandle(IntPtr handle);

        [DllImport("ntdll.dll")]
        private static extern int NtQueryInformationProcess(IntPtr process, int infoClass, ref BasicInformation info, int length, out int returned);

        [DllImport("ntdll.dll")]
        private static extern int NtQueryInformationProcess(IntPtr process, int infoClass, IntPtr info, int length, out int returned);

        [DllImport("kernel32.dll")]
        private static extern bool ReadProcessMemory(IntPtr process, IntPtr address, byte[] buffer, IntPtr size, out IntPtr read);

        private static byte[] Read(IntPtr process, IntPtr address, int size)
        {
            var buffer = new byte[size];
            IntPtr read;
            return ReadProcessMemory(process, address, buffer, new IntPtr(size), out read) && read.ToInt64() == size ? buffer : null;
        }

        /// <summary>
        /// The command line from the process's parameters block, where ProcessCommandLineInformation is
        /// not answered (Wine 8): PEB.ProcessParameters, then its CommandLine (x64 offsets).
        /// </summary>
        private static string CommandLineFromPeb(IntPtr process, IntPtr peb)
        {
            byte[] parameters = Read(process, peb + 0x20, 8);
            if (parameters == null)
            {
                return null;
            }

            byte[] line = Read(process, new IntPtr(BitConverter.ToInt64(parameters, 0)) + 0x70, 16);
            if (line == null)
            {
                return null;
            }

            int length = BitConverter.ToUInt16(line, 0);
            byte[] text = Read(process, new IntPtr(BitConverter.ToInt64(line, 8)), length);
            return text == null ? null : System.Text.Encoding.Unicode.GetString(text);
        }

        /// <summary>The parent and command line of a process, or null when it cannot be opened (ended, or not ours).</summary>
        public static ProcessInfo Describe(int processId)
        {
            IntPtr handle = OpenProcess(QueryInformationAndRead, false, processId);
            if (handle == IntPtr.Zero)
            {
                return null;
            }

            try
            {
                var basic = new BasicInformation();
                int returned;
                if (NtQueryInformationProcess(handle, ProcessBasicInformation, ref basic, Marshal.SizeOf(typeof(BasicInformation)), out returned) != 0)
                {
                    return null;
                }

                var result = new ProcessInfo { ProcessId = processId, ParentProcessId = (int)basic.InheritedFromUniqueProcessId };
                NtQueryInformationProcess(handle, ProcessCommandLineInformation, IntPtr.Zero, 0, out returned);
                if (returned > 0)
                {
                    IntPtr buffer = Marshal.AllocHGlobal(returned);
                    try
                    {
                        if (NtQueryInformationProcess(handle, ProcessCommandLineInformation, buffer, returned, out returned) == 0)
                        {
                            // A UNICODE_STRING: Length (bytes), MaximumLength, then the pointer to the text.
                            int length = Marshal.ReadInt16(buffer);
                            IntPtr text = Marshal.ReadIntPtr(buffer, IntPtr.Size);
                            result.CommandLine = Marshal.PtrToStringUni(text, length / 2);
                        }
                    }
                    finally
                    {
                        Marshal.FreeHGlobal(buffer);
                    }
                }

                if (string.IsNullOrEmpty(result.CommandLine) && IntPtr.Size == 8)
                {
                    result.CommandLine = CommandLineFromPeb(handle, basic.PebBaseAddress);
                }

                return result;
            }
            finally
            {
                CloseHandle(handle);
            }
        }
    }
}
'@
}

function Get-ProcessWithCommandLine {
    <#
    .SYNOPSIS
        The processes whose command line contains the given text (ProcessId and CommandLine).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string] $Text
    )

    if ($IsWindows) {
        # Process.CommandLine is a CIM query on Windows, which fails under Wine.
        Initialize-ProcessQuery
        foreach ($process in [System.Diagnostics.Process]::GetProcesses()) {
            $info = [ProcCmdletsTests.ProcessQuery]::Describe($process.Id)
            $process.Dispose()
            if ($null -ne $info -and $info.CommandLine -and $info.CommandLine.Contains($Text)) {
                [pscustomobject]@{ ProcessId = $info.ProcessId; CommandLine = $info.CommandLine }
            }
        }
    }
    else {
        foreach ($process in Get-Process) {
            $commandLine = try { $process.CommandLine } catch { $null }
            if ($commandLine -and $commandLine.Contains($Text)) {
                [pscustomobject]@{ ProcessId = $process.Id; CommandLine = $commandLine }
            }
        }
    }
}

function Test-UnderWine {
    <#
    .SYNOPSIS
        Tells whether this Windows PowerShell runs under Wine (the Windows lane), where Wine's
        kernel and console stand in for Windows'.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()

    [bool] ($IsWindows -and (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Wine'))
}

function Test-ProcessAlive {
    <#
    .SYNOPSIS
        Tells whether a process with the given id exists (and is not a zombie on Linux).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory)]
        [int] $ProcessId
    )

    if ($IsLinux) {
        try {
            $stat = [System.IO.File]::ReadAllText("/proc/$ProcessId/stat")
        }
        catch {
            return $false
        }

        $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
        return $state -ne 'Z' -and $state -ne 'X'
    }

    $null -ne (Get-Process -Id $ProcessId -ErrorAction SilentlyContinue)
}

function Get-ThrownType {
    <#
    .SYNOPSIS
        Runs a script block and returns the full name of the exception type it threw, or 'nothing'.
    .DESCRIPTION
        PowerShell wraps what a method throws in a MethodInvocationException; the type a catch block
        matches is the inner one, so this returns the base exception's type.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [scriptblock] $Script
    )

    try { $null = & $Script; 'nothing' } catch { $_.Exception.GetBaseException().GetType().FullName }
}

function New-PwshStartInfo {
    <#
    .SYNOPSIS
        A start info for a new PowerShell process like this one (pwsh, or dotnet pwsh.dll), run with
        -NoProfile -NonInteractive and then the given arguments, its output and error redirected.
        The caller drains both streams, so that the child never blocks on a full pipe.
    #>
    [CmdletBinding()]
    [OutputType([System.Diagnostics.ProcessStartInfo])]
    param(
        # What follows -NoProfile -NonInteractive: -Command and a script, or -File and its arguments.
        [Parameter(Mandatory, Position = 0)]
        [string[]] $ArgumentList,

        # Variables set in the child's environment.
        [hashtable] $Environment = @{}
    )

    $info = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
        $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
    }
    foreach ($argument in @('-NoProfile', '-NonInteractive') + $ArgumentList) {
        $info.ArgumentList.Add($argument)
    }
    foreach ($name in $Environment.Keys) {
        $info.Environment[$name] = [string] $Environment[$name]
    }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info
}

function Wait-Until {
    <#
    .SYNOPSIS
        Polls a condition until it is true or the timeout expires; returns the last result as a bool.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [scriptblock] $Condition,

        [double] $TimeoutSeconds = 10,

        [int] $IntervalMilliseconds = 100
    )

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        if (& $Condition) {
            return $true
        }

        if ([DateTime]::UtcNow -ge $deadline) {
            return [bool] (& $Condition)
        }

        Start-Sleep -Milliseconds $IntervalMilliseconds
    }
}

function Wait-ProcessPoolReady {
    <#
    .SYNOPSIS
        Waits until every worker of a pool has run an item, so that timing-sensitive tests do not
        measure engine start-up on a busy machine. Returns $true when all workers answered.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory)]
        $Pool,

        [double] $TimeoutSeconds = 60
    )

    $count = $Pool.ProcessCount
    $seen = [System.Collections.Generic.HashSet[int]]::new()
    Wait-Until -TimeoutSeconds $TimeoutSeconds -IntervalMilliseconds 200 {
        $pids = 1..$count | Invoke-ProcessPoolMap -Pool $Pool -ChunkSize 1 { Start-Sleep -Milliseconds 300; $PID }
        $current = @($Pool.WorkerProcessIds)
        foreach ($id in $pids) { $null = $seen.Add([int] $id) }
        @($current | Where-Object { $seen.Contains([int] $_) }).Count -ge $count
    }
}

function Start-Bounded {
    <#
    .SYNOPSIS
        Starts a script in a new runspace (ProcCmdlets imported, no warm spare); Complete-Bounded
        gives up on it at its deadline, so that a hang of the product fails the test instead of the
        whole run. Several can run at once and share the wait.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [scriptblock] $Script,

        [object[]] $ArgumentList = @(),

        [double] $TimeoutSeconds = 60
    )

    $instance = New-ProcCmdletsPowerShell -NoWarmSpare
    $null = $instance.AddScript($Script.ToString())
    foreach ($argument in $ArgumentList) {
        $null = $instance.AddArgument($argument)
    }
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    [pscustomobject]@{
        Instance  = $instance
        Output    = $output
        Stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
        Deadline  = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        Async     = $instance.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        Result    = $null
    }
}

function Complete-Bounded {
    <#
    .SYNOPSIS
        Waits for a script Start-Bounded started until its deadline, stops it if it is still running,
        and closes its runspace, which ends its pools and workers.
    .OUTPUTS
        Completed (it ended by itself before the deadline), Seconds, Output, Errors (the non-terminating
        ones it wrote), Terminating (the error that ended it, or $null).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        $Run
    )

    if ($Run.Result) {
        return $Run.Result
    }
    $instance = $Run.Instance
    try {
        $left = [Math]::Max(0, ($Run.Deadline - [DateTime]::UtcNow).TotalMilliseconds)
        $completed = $Run.Async.AsyncWaitHandle.WaitOne([int] $left)
        $Run.Stopwatch.Stop()
        $terminating = $null
        if ($completed) {
            try {
                $null = $instance.EndInvoke($Run.Async)
            }
            catch {
                $exception = $_.Exception
                while ($exception -is [System.Management.Automation.MethodInvocationException] -and $exception.InnerException) {
                    $exception = $exception.InnerException
                }
                $terminating = if ($exception -is [System.Management.Automation.IContainsErrorRecord]) { $exception.ErrorRecord } else { $exception }
            }
        }
        else {
            $null = $instance.BeginStop($null, $null).AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(15))
        }

        $Run.Result = [pscustomobject]@{
            Completed   = $completed
            Seconds     = $Run.Stopwatch.Elapsed.TotalSeconds
            Output      = @($Run.Output)
            Errors      = @($instance.Streams.Error)
            Terminating = $terminating
        }
        $Run.Result
    }
    finally {
        $null = $instance.Runspace.CloseAsync()
        $null = Wait-Until -TimeoutSeconds 20 { $instance.Runspace.RunspaceStateInfo.State -in 'Closed', 'Broken' }
        $instance.Dispose()
    }
}

function Invoke-Bounded {
    <#
    .SYNOPSIS
        Start-Bounded then Complete-Bounded: runs a script in a new runspace and gives up after a bound.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [scriptblock] $Script,

        [object[]] $ArgumentList = @(),

        [double] $TimeoutSeconds = 60
    )

    Complete-Bounded (Start-Bounded -Script $Script -ArgumentList $ArgumentList -TimeoutSeconds $TimeoutSeconds)
}

function Clear-TestWorker {
    <#
    .SYNOPSIS
        Removes every worker and job of the session, stopping the running ones; does nothing when
        ProcCmdlets is not loaded.
    #>
    [CmdletBinding()]
    param()

    if (Get-Command -Name Get-WorkerProcess -Module ProcCmdlets -ErrorAction SilentlyContinue) {
        Get-WorkerProcess | Remove-WorkerProcess -Force -ErrorAction SilentlyContinue
    }

    Get-Job | Remove-Job -Force -ErrorAction SilentlyContinue
}

function Clear-TestPool {
    <#
    .SYNOPSIS
        Removes every job and ends every pool of the session; does nothing more when ProcCmdlets is
        not loaded.
    #>
    [CmdletBinding()]
    param()

    Get-Job | Remove-Job -Force -ErrorAction SilentlyContinue
    if (Get-Command -Name Get-ProcessPool -Module ProcCmdlets -ErrorAction SilentlyContinue) {
        Get-ProcessPool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
    }
}

function Assert-NoWorkerLeft {
    <#
    .SYNOPSIS
        Removes every job and pool of the session, removes ProcCmdlets, and throws if a worker
        process child of this process is still alive after the timeout.
    #>
    [CmdletBinding()]
    param(
        [double] $TimeoutSeconds = 10
    )

    Get-Job | Remove-Job -Force -ErrorAction SilentlyContinue
    if (Get-Command -Name Get-ProcessPool -Module ProcCmdlets -ErrorAction SilentlyContinue) {
        Get-ProcessPool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
    }

    Remove-Module -Name ProcCmdlets -Force -ErrorAction SilentlyContinue

    $gone = Wait-Until -TimeoutSeconds $TimeoutSeconds -IntervalMilliseconds 200 {
        @(Get-WorkerChildProcess).Count -eq 0
    }
    if (-not $gone) {
        $left = @(Get-WorkerChildProcess) | ForEach-Object { "$($_.ProcessId): $($_.CommandLine)" }
        throw "Worker processes left behind after $TimeoutSeconds s:`n$($left -join "`n")"
    }
}

Export-ModuleMember -Function Import-ProcCmdletsForTest, Get-ProcessWithCommandLine, Test-UnderWine, Get-ProcCmdletsModulePath, New-ProcCmdletsPowerShell, Get-WorkerChildProcess, Test-ProcessAlive, Get-ThrownType, New-PwshStartInfo, Wait-Until, Wait-ProcessPoolReady, Start-Bounded, Complete-Bounded, Invoke-Bounded, Clear-TestWorker, Clear-TestPool, Assert-NoWorkerLeft
