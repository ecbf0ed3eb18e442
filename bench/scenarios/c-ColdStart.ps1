<#
.SYNOPSIS
    c. Cold start: a pool of 2 created in a fresh session, to its first result (milliseconds).
.DESCRIPTION
    Each row runs in a new process. The ProcCmdlets figure is taken inside that process, from
    just before New-ProcessPool to the first result (the module is already imported), and is
    compared with the wall time of one bare `pwsh -NoProfile -Command exit`, started the same way.
#>
param($Bench)

@{
    Id           = 'c'
    Title        = 'Cold start'
    Description  = 'A fresh session creates a pool of 2 and maps one item: `$p = New-ProcessPool -ProcessCount 2; 1 | Invoke-ProcessPoolMap { $_ } -Pool $p`, timed inside the session from just before New-ProcessPool to the first result. The baseline is the wall time of a bare `pwsh -NoProfile -Command exit`. The other rows time their own first parallel result the same way, inside a fresh session (Python: `Pool(2)` and its first `map` result).'
    Unit         = 'ms'
    FirstUse     = $true
    Ratio        = 'Relative'
    Parameters   = @{}

    Rows         = @(
        @{ Key = 'Bare'; Name = 'pwsh -NoProfile -Command exit (wall time)'; Baseline = $true }
        @{
            Key = 'ProcCmdlets'; Name = 'New-ProcessPool 2 to first result'; Product = $true
            Targets = @(@{ Text = '≤ 1.0x bare pwsh start'; Against = 'Bare'; Op = '<='; Ratio = 1.0 })
        }
        @{ Key = 'Parallel'; Name = 'ForEach-Object -Parallel, first result' }
        @{ Key = 'StartJob'; Name = 'Start-Job, first result' }
        @{ Key = 'Python'; Name = 'Python Pool(2) to first result'; Python = $true }
    )

    Measurements = @(
        @{
            Keys = 'Bare'
            Run  = { Measure-BarePwshStart }
        }
        @{
            Keys = 'ProcCmdlets'
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath -ScriptBlock {
                    param([string] $ModulePath)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $ModulePath
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $p = New-ProcessPool -ProcessCount 2
                    $first = 1 | Invoke-ProcessPoolMap { $_ } -Pool $p
                    $ms = $stopwatch.Elapsed.TotalMilliseconds
                    Remove-ProcessPool $p -Force
                    if ($first -ne 1) { throw "unexpected result '$first'" }
                    "BENCH_RESULT $(@{ ms = $ms } | ConvertTo-Json -Compress)"
                }
                $result.ms
            }
        }
        @{
            Keys = 'Parallel'
            Run  = {
                $result = Invoke-FreshPwsh -ScriptBlock {
                    $ErrorActionPreference = 'Stop'
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $first = 1 | ForEach-Object -Parallel { $_ } -ThrottleLimit 2
                    $ms = $stopwatch.Elapsed.TotalMilliseconds
                    if ($first -ne 1) { throw "unexpected result '$first'" }
                    "BENCH_RESULT $(@{ ms = $ms } | ConvertTo-Json -Compress)"
                }
                $result.ms
            }
        }
        @{
            Keys = 'StartJob'
            Run  = {
                $result = Invoke-FreshPwsh -ScriptBlock {
                    $ErrorActionPreference = 'Stop'
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $job = Start-Job { 1 }
                    $first = $job | Receive-Job -Wait
                    $ms = $stopwatch.Elapsed.TotalMilliseconds
                    $job | Remove-Job -Force
                    if ($first -ne 1) { throw "unexpected result '$first'" }
                    "BENCH_RESULT $(@{ ms = $ms } | ConvertTo-Json -Compress)"
                }
                $result.ms
            }
        }
        @{
            Keys = 'Python'
            Run  = { (Invoke-PythonBench coldstart).ms }
        }
    )
}
