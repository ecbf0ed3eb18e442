<#
.SYNOPSIS
    f. Memory: growth of the session's peak working set while 1,000,000 items stream through a warm pool (MB).
.DESCRIPTION
    Results are discarded as they arrive (| Out-Null), so a streaming map should need little more
    memory than the same pipeline run in-process. Each row runs in a fresh session.
#>
param($Bench)

$items = if ($Bench.Quick) { 100000 } else { 1000000 }

@{
    Id           = 'f'
    Title        = 'Memory'
    Description  = "In a fresh session with a warm pool of 2: ``1..$items | Invoke-ProcessPoolMap { `$_ } -Pool `$p | Out-Null``; the figure is the growth of the session's ``(Get-Process -Id `$PID).PeakWorkingSet64`` across the map. The baseline is ``1..$items | ForEach-Object { `$_ } | Out-Null`` in a fresh session; Python streams the items through a warm ``Pool(2).imap(..., chunksize=1000)`` and reports the growth of its peak RSS."
    Unit         = 'MB'
    FirstUse     = $true
    Ratio        = 'Relative'
    Parameters   = @{ Items = $items }

    Rows         = @(
        @{ Key = 'InProcess'; Name = 'ForEach-Object (in-process)'; Baseline = $true }
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≤ 200 MB'; Op = '<='; Value = 200 })
        }
        @{ Key = 'Python'; Name = 'Python Pool(2).imap, warm'; Python = $true }
    )

    Measurements = @(
        @{
            Keys = 'InProcess'
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Items -ScriptBlock {
                    param([int] $Items)
                    $ErrorActionPreference = 'Stop'
                    $before = (Get-Process -Id $PID).PeakWorkingSet64
                    1..$Items | ForEach-Object { $_ } | Out-Null
                    $after = (Get-Process -Id $PID).PeakWorkingSet64
                    "BENCH_RESULT $(@{ mb = ($after - $before) / 1MB } | ConvertTo-Json -Compress)"
                }
                $result.mb
            }
        }
        @{
            Keys = 'ProcCmdlets'
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath, $State.Items -ScriptBlock {
                    param([string] $ModulePath, [int] $Items)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $ModulePath
                    $p = New-ProcessPool 2
                    $warm = 1..100 | Invoke-ProcessPoolMap { $_ } -Pool $p
                    if (@($warm).Count -ne 100) { throw 'the warm-up map failed' }
                    $tasksBefore = $p.TasksCompleted
                    $before = (Get-Process -Id $PID).PeakWorkingSet64
                    1..$Items | Invoke-ProcessPoolMap { $_ } -Pool $p | Out-Null
                    $after = (Get-Process -Id $PID).PeakWorkingSet64
                    $done = $p.TasksCompleted - $tasksBefore
                    Remove-ProcessPool $p -Force
                    if ($done -ne $Items) { throw "the pool completed $done items, expected $Items" }
                    "BENCH_RESULT $(@{ mb = ($after - $before) / 1MB } | ConvertTo-Json -Compress)"
                }
                $result.mb
            }
        }
        @{
            Keys = 'Python'
            Run  = {
                param($State)
                $mb = (Invoke-PythonBench memory, $State.Items).mb
                if ($null -eq $mb) { throw 'peak RSS is not available on this platform (no resource module)' }
                $mb
            }
        }
    )
}
