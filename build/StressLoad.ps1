# Shared by build.ps1 (-Task Test -Stress): keeps the machine busy while the suite runs, the way a
# shared CI runner or a working laptop is, so that a test bound only an idle machine meets shows.

function Start-StressLoad {
    <#
    Starts one busy loop per core and a second session that maps short items over a pool of 8
    workers in a loop, starting and ending a pool each time. Returns the processes to hand to
    Stop-StressLoad. Each one also ends by itself once this process is gone (a killed build leaves
    nothing spinning), and a pool's workers exit when their session's channel closes.
    #>
    param(
        [Parameter(Mandatory)] [string] $ModulePath,
        [int] $PoolSize = 8
    )
    # This session's own PowerShell, also when it runs as `dotnet pwsh` (then the host is dotnet).
    $pwsh = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $parent = $PID
    # The parent check costs one lookup per ~50 million loop steps (a few seconds), not enough to lighten the load.
    $busy = "`$n = 0; while (`$true) { if (++`$n -ge 50000000) { `$n = 0; if (-not (Get-Process -Id $parent -ErrorAction Ignore)) { exit } } }"
    $maps = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$($ModulePath -replace "'", "''")'
`$round = 0
while (Get-Process -Id $parent -ErrorAction Ignore) {
    `$round++
    `$pool = New-ProcessPool -ProcessCount $PoolSize
    try {
        for (`$i = 0; `$i -lt 5; `$i++) {
            `$null = 1..400 | Invoke-ProcessPoolMap -Pool `$pool -ChunkSize 4 { `$_ * 2 }
        }
    } finally {
        Remove-ProcessPool -Pool `$pool -Force
    }
    if (`$round % 20 -eq 1) { [Console]::Out.WriteLine("stress load: `$round pools") }
}
"@
    $processes = [Collections.Generic.List[Diagnostics.Process]]::new()
    try {
        foreach ($script in @(@($busy) * [Environment]::ProcessorCount) + $maps) {
            $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
            $info = [Diagnostics.ProcessStartInfo]::new($pwsh)
            foreach ($argument in @($prefix) + '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded) { $info.ArgumentList.Add($argument) }
            $info.UseShellExecute = $false
            $processes.Add([Diagnostics.Process]::Start($info))
        }
    } catch {
        Stop-StressLoad $processes
        throw
    }
    Write-Host "Stress: $([Environment]::ProcessorCount) busy loops and a session mapping over pools of $PoolSize workers (processes $(($processes | ForEach-Object Id) -join ', '))"
    , $processes
}

function Stop-StressLoad {
    <# Stops what Start-StressLoad started, with their children (the pool's workers). #>
    param([Collections.Generic.List[Diagnostics.Process]] $Processes)
    foreach ($process in $Processes) {
        try {
            if (-not $process.HasExited) {
                $process.Kill($true)
                $null = $process.WaitForExit(10000)
            }
        } catch {
            Write-Warning "Stress: process $($process.Id) could not be stopped: $($_.Exception.Message)"
        }
        $process.Dispose()
    }
}
