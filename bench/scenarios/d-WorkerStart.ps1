<#
.SYNOPSIS
    d. Start-WorkerProcess: four workers to their results, the call's return time, and the warm spare.
.DESCRIPTION
    Three tables, each measured in fresh sessions (the module imported before the clock starts):
    d1 four workers started and waited for, against four Start-Job jobs (warm spare off for both);
    d2 how long Start-WorkerProcess takes to return (warm spare off);
    d3 a first start and wait (cold), then, two seconds later, a second start to its first output,
    which can use the warm spare the module keeps ready.
#>
param($Bench)

@{
    Id           = 'd1'
    Title        = 'Start four workers'
    Description  = 'In a fresh session with `$ProcCmdletsWarmSpare = $false`: `$w = 1..4 | ForEach-Object { Start-WorkerProcess { $args[0] } -ArgumentList $_ }; $w | Wait-WorkerProcess`, against `1..4 | ForEach-Object { Start-Job { $args[0] } -ArgumentList $_ } | Receive-Job -Wait`; both timed inside the session, from the first start to the last result. Python: four `Process` objects started, their results read from a `Queue` and joined.'
    Unit         = 'ms'
    FirstUse     = $true
    Ratio        = 'Speedup'
    Parameters   = @{}

    Rows         = @(
        @{ Key = 'StartJob'; Name = 'Start-Job x4 + Receive-Job -Wait'; Baseline = $true }
        @{
            Key = 'ProcCmdlets'; Name = 'Start-WorkerProcess x4 + Wait-WorkerProcess'; Product = $true
            Targets = @(@{ Text = '≥ 2.0x faster than Start-Job'; Against = 'StartJob'; Op = '>='; Ratio = 2.0 })
        }
        @{ Key = 'Python'; Name = 'Python Process x4 + join'; Python = $true }
    )

    Measurements = @(
        @{
            Keys = 'StartJob'
            Run  = {
                $result = Invoke-FreshPwsh -ScriptBlock {
                    $ErrorActionPreference = 'Stop'
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $jobs = 1..4 | ForEach-Object { Start-Job { $args[0] } -ArgumentList $_ }
                    $out = $jobs | Receive-Job -Wait
                    $ms = $stopwatch.Elapsed.TotalMilliseconds
                    $jobs | Remove-Job -Force
                    if (@($out).Count -ne 4) { throw "expected 4 results, got $(@($out).Count)" }
                    "BENCH_RESULT $(@{ ms = $ms } | ConvertTo-Json -Compress)"
                }
                $result.ms
            }
        }
        @{
            Keys = 'ProcCmdlets'
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath -ScriptBlock {
                    param([string] $ModulePath)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $ModulePath
                    $ProcCmdletsWarmSpare = $false
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $w = 1..4 | ForEach-Object { Start-WorkerProcess { $args[0] } -ArgumentList $_ }
                    $out = $w | Wait-WorkerProcess
                    $ms = $stopwatch.Elapsed.TotalMilliseconds
                    $w | Remove-WorkerProcess -Force
                    Remove-Module ProcCmdlets
                    if (@($out).Count -ne 4) { throw "expected 4 results, got $(@($out).Count)" }
                    "BENCH_RESULT $(@{ ms = $ms } | ConvertTo-Json -Compress)"
                }
                $result.ms
            }
        }
        @{
            Keys = 'Python'
            Run  = { (Invoke-PythonBench process4).ms }
        }
    )
}

@{
    Id           = 'd2'
    Title        = 'Start-WorkerProcess return time'
    Description  = 'How long the start command takes to return its job object, in a fresh session (`$ProcCmdletsWarmSpare = $false`): the first call in the session, and a later call made after the first worker has ended. Start-Job is timed the same way in its own fresh session.'
    Unit         = 'ms'
    Ratio        = 'Relative'
    Parameters   = @{}

    Rows         = @(
        @{ Key = 'StartJobFirst'; Name = 'Start-Job, first call'; Baseline = $true }
        @{ Key = 'StartJobLater'; Name = 'Start-Job, later call' }
        @{
            Key = 'ProcFirst'; Name = 'Start-WorkerProcess, first call'; Product = $true
            Targets = @(@{ Text = '< 50 ms'; Op = '<'; Value = 50 })
        }
        @{
            Key = 'ProcLater'; Name = 'Start-WorkerProcess, later call'; Product = $true
            Targets = @(@{ Text = '< 50 ms'; Op = '<'; Value = 50 })
        }
    )

    Measurements = @(
        @{
            Keys = 'StartJobFirst', 'StartJobLater'
            Run  = {
                $result = Invoke-FreshPwsh -ScriptBlock {
                    $ErrorActionPreference = 'Stop'
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $first = Start-Job { 1 }
                    $firstMs = $stopwatch.Elapsed.TotalMilliseconds
                    $null = $first | Wait-Job
                    $stopwatch.Restart()
                    $later = Start-Job { 2 }
                    $laterMs = $stopwatch.Elapsed.TotalMilliseconds
                    $null = $later | Wait-Job
                    $first, $later | Remove-Job -Force
                    "BENCH_RESULT $(@{ first = $firstMs; later = $laterMs } | ConvertTo-Json -Compress)"
                }
                @{ StartJobFirst = $result.first; StartJobLater = $result.later }
            }
        }
        @{
            Keys = 'ProcFirst', 'ProcLater'
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath -ScriptBlock {
                    param([string] $ModulePath)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $ModulePath
                    $ProcCmdletsWarmSpare = $false
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $first = Start-WorkerProcess { 1 }
                    $firstMs = $stopwatch.Elapsed.TotalMilliseconds
                    $null = $first | Wait-WorkerProcess -PassThru
                    $stopwatch.Restart()
                    $later = Start-WorkerProcess { 2 }
                    $laterMs = $stopwatch.Elapsed.TotalMilliseconds
                    $null = $later | Wait-WorkerProcess -PassThru
                    $first, $later | Remove-WorkerProcess -Force
                    Remove-Module ProcCmdlets
                    "BENCH_RESULT $(@{ first = $firstMs; later = $laterMs } | ConvertTo-Json -Compress)"
                }
                @{ ProcFirst = $result.first; ProcLater = $result.later }
            }
        }
    )
}

@{
    Id           = 'd3'
    Title        = 'Warm spare'
    Description  = 'In one fresh session (warm spare on, the default): a first `Start-WorkerProcess { ''first'' } | Wait-WorkerProcess` (cold), then `Start-Sleep 2`, then a second `Start-WorkerProcess` timed to its first output.'
    Unit         = 'ms'
    Ratio        = 'Relative'
    Parameters   = @{}

    Rows         = @(
        @{ Key = 'Cold'; Name = 'First start + wait (cold)'; Baseline = $true }
        @{
            Key = 'Warm'; Name = 'Second start to first output (warm spare)'; Product = $true
            Targets = @(@{ Text = '≤ 0.15x cold'; Against = 'Cold'; Op = '<='; Ratio = 0.15 })
        }
    )

    Measurements = @(
        @{
            Keys = 'Cold', 'Warm'
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath -ScriptBlock {
                    param([string] $ModulePath)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $ModulePath
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $first = Start-WorkerProcess { 'first' }
                    $firstOut = $first | Wait-WorkerProcess
                    $coldMs = $stopwatch.Elapsed.TotalMilliseconds
                    Start-Sleep -Seconds 2
                    $stopwatch.Restart()
                    $second = Start-WorkerProcess { 'second' }
                    $secondOut = $second | Wait-WorkerProcess | Select-Object -First 1
                    $warmMs = $stopwatch.Elapsed.TotalMilliseconds
                    $first, $second | Remove-WorkerProcess -Force
                    # Removing the module also ends the spare it keeps ready.
                    Remove-Module ProcCmdlets
                    if ($firstOut -ne 'first' -or $secondOut -ne 'second') { throw "unexpected output '$firstOut' '$secondOut'" }
                    "BENCH_RESULT $(@{ cold = $coldMs; warm = $warmMs } | ConvertTo-Json -Compress)"
                }
                @{ Cold = $result.cold; Warm = $result.warm }
            }
        }
    )
}
