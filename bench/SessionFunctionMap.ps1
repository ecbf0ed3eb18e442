<#
.SYNOPSIS
    A map calling a session function, against in-process ForEach-Object calling the same
    function, side by side in one run; and the cost of finding the commands of a 200-line script.
.DESCRIPTION
    Standalone: dotnet pwsh -NoProfile -File bench/SessionFunctionMap.ps1 [-Items 20000] [-Rounds 3]
    The pool (2 workers) is started and has the function defined before the clock starts.
#>
param([int] $Items = 20000, [int] $Rounds = 3)

Import-Module (Join-Path $PSScriptRoot '../output/ProcCmdlets') -Force
function Square($x) { $x * $x }

$inputItems = 1..$Items
$pool = New-ProcessPool -ProcessCount 2
try {
    $null = 1..200 | Invoke-ProcessPoolMap -Pool $pool { Square $_ }
    foreach ($round in 1..$Rounds) {
        $inProcess = Measure-Command { $expected = $inputItems | ForEach-Object { Square $_ } }
        $mapped = Measure-Command { $actual = $inputItems | Invoke-ProcessPoolMap -Pool $pool { Square $_ } }
        if ($actual.Count -ne $expected.Count -or $actual[-1] -ne $expected[-1]) { throw 'The map gave other results.' }
        '{0:N0} items, round {1}: ForEach-Object {2:N0} ms, Invoke-ProcessPoolMap {3:N0} ms, map speed / ForEach-Object speed {4:N2}' -f
            $Items, $round, $inProcess.TotalMilliseconds, $mapped.TotalMilliseconds, ($inProcess.TotalMilliseconds / $mapped.TotalMilliseconds)
    }
}
finally {
    Remove-ProcessPool $pool -Force
}

# The analysis walks a new tree each time (a tree seen before is answered from a cache).
$text = (0..199 | ForEach-Object { "`$v$_ = Get-Item -Path `$p | Where-Object { `$_.Length -gt $_ } | Invoke-Step$($_ % 7) | Square" }) -join "`n"
$analysis = [ProcCmdlets.ProcessPool].Assembly.GetType('ProcCmdlets.Commands.CommandAnalysis').GetMethod('CommandNames')
$null = $analysis.Invoke($null, @([System.Management.Automation.Language.Parser]::ParseInput('Warm-Up', [ref] $null, [ref] $null)))
$times = foreach ($i in 1..21) {
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($text, [ref] $null, [ref] $null)
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $null = $analysis.Invoke($null, @($ast))
    $clock.Elapsed.TotalMilliseconds
}
$sorted = $times | Sort-Object
'Commands of a 200-line script: median {0:N3} ms, fastest {1:N3} ms (21 new trees)' -f $sorted[10], $sorted[0]
