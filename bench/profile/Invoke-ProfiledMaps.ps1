<#
.SYNOPSIS
    Runs warm -InputObject maps for a profiler to sample: ten of 100,000 ints, then thirty of
    10,000 ten-property rows, on a pool of 2, printing each map's wall time and session CPU per item.
.DESCRIPTION
    Writes its process id to <Dir>/pid once the pool is warm, then waits for <Dir>/go before the
    ints and for <Dir>/go2 before the rows (<Dir>/ints-done says the ints are done), so a tracer
    can attach to this process (dotnet-trace collect -p) for each part. See docs/performance.md.
#>
param([string]$Module, [string]$Dir)
Import-Module $Module
$ints = 1..100000
$rows = 1..10000 | ForEach-Object { [pscustomobject]@{ A = "a$_"; B = "b$_"; C = "$_"; D = 'dd'; E = 'e'; F = "f$_"; G = '1.5'; H = 'h'; I = "i$_"; J = 'j' } }
$pool = New-ProcessPool 2
$null = Invoke-ProcessPoolMap -Pool $pool -InputObject $ints { $_ * $_ }
$null = Invoke-ProcessPoolMap -Pool $pool -InputObject $rows { $_.A + $_.C }
Set-Content "$Dir/pid" $PID
while (-not (Test-Path "$Dir/go")) { Start-Sleep -Milliseconds 100 }
$me = [System.Diagnostics.Process]::GetCurrentProcess()
$out = foreach ($kind in 'ints', 'rows') {
    for ($i = 0; $i -lt $(if ($kind -eq "ints") { 10 } else { 30 }); $i++) {
        $me.Refresh(); $cpu0 = $me.TotalProcessorTime; $sw = [Diagnostics.Stopwatch]::StartNew()
        if ($kind -eq 'ints') { $n = (Invoke-ProcessPoolMap -Pool $pool -InputObject $ints { $_ * $_ }).Count }
        else { $n = (Invoke-ProcessPoolMap -Pool $pool -InputObject $rows { $_.A + $_.C }).Count }
        $sw.Stop(); $me.Refresh()
        "{0} run {1}: {2:N2} us/item wall, {3:N2} us/item session CPU ({4} items)" -f $kind, $i, ($sw.Elapsed.TotalMilliseconds * 1000 / $n), (($me.TotalProcessorTime - $cpu0).TotalMilliseconds * 1000 / $n), $n
    }
    if ($kind -eq 'ints') { Set-Content "$Dir/ints-done" 1; while (-not (Test-Path "$Dir/go2")) { Start-Sleep -Milliseconds 100 } }
}
$out | Set-Content "$Dir/times.txt"
Remove-ProcessPool $pool -Force
Set-Content "$Dir/done" 1
