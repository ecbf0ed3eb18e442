# A short end-to-end check of the built module on the PowerShell running it (Windows PowerShell 5.1,
# PowerShell 7.4 on .NET 8, ...): import, a map, a worker, a pool. Written for PowerShell 5.1's language.
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    # When given, the worker program's folder that workers must run from (e.g. 'net8.0').
    [string] $ExpectWorkerBuild
)

$ErrorActionPreference = 'Stop'
$ProcCmdletsWarmSpare = $false
Import-Module (Resolve-Path $ModulePath).Path
"PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition)) on $([System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription)"

function Assert-Equal($Actual, $Expected, $What) {
    if ("$Actual" -ne "$Expected") { throw "$What`: expected '$Expected', got '$Actual'." }
    "ok: $What"
}

Assert-Equal ((1..4 | Invoke-ProcessPoolMap { $_ * 2 } -ProcessCount 2) -join ',') '2,4,6,8' 'a map'

$text = "Gr$([char]0xFC)$([char]0xDF)e"
$worker = Start-WorkerProcess { $PSVersionTable.PSEdition; $using:text; [Environment]::CommandLine }
$output = @($worker | Wait-WorkerProcess -Timeout 120)
Assert-Equal ($output[0..1] -join ',') "$($PSVersionTable.PSEdition),$text" 'a worker'
if ($ExpectWorkerBuild -and $output[2] -notlike "*worker?${ExpectWorkerBuild}?ProcCmdlets.Worker.dll*") {
    throw "The worker ran '$($output[2])', not the $ExpectWorkerBuild build."
}
Assert-Equal $worker.ExitCode 0 'its exit code'
# The session's own runtime (PowerShell 7.5 on .NET 9 with .NET 8 installed too: not .NET 8).
$runtime = Start-WorkerProcess { [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory() }
Assert-Equal (@($runtime | Wait-WorkerProcess -Timeout 120) -join ',') ([System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()) 'the worker''s runtime'
Remove-WorkerProcess -Worker $worker, $runtime

$pool = New-ProcessPool -ProcessCount 2
try {
    Assert-Equal ((1, 2, 3 | Invoke-ProcessPoolMap -Pool $pool { $_ + 1 }) -join ',') '2,3,4' 'a pool'
}
finally {
    Remove-ProcessPool -Pool $pool
}
