<#
.SYNOPSIS
    a. Trivial map: 100,000 integers through { $_ * $_ } (items per second).
.DESCRIPTION
    Per-item overhead: the work is nothing, so the figure is what it costs to move an item to a
    worker and its result back. ForEach-Object -Parallel is measured on fewer items because it
    is far too slow for 100,000; every row is reported as items per second.
#>
param($Bench)

$items = if ($Bench.Quick) { 20000 } else { 100000 }
$parallelItems = if ($Bench.Quick) { 500 } else { 2000 }

@{
    Id           = 'a'
    Title        = 'Trivial map'
    Description  = "$('{0:N0}' -f $items) integers through ``{ `$_ * `$_ }``. ProcCmdlets uses a pool of 2 created and warmed (a small map) before the clock starts; Python's ``Pool(2).map`` is timed inside Python, also warm; ForEach-Object -Parallel is timed on $('{0:N0}' -f $parallelItems) items. Each PowerShell row runs once, untimed, before the timed runs."
    Unit         = 'items/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Items = $items; ParallelItems = $parallelItems }

    Setup        = {
        param($State)
        $State.Pool = New-ProcessPool 2
        $warm = 1..100 | Invoke-ProcessPoolMap { $_ * $_ } -Pool $State.Pool
        Assert-BenchResult (@($warm).Count -eq 100) 'the warm-up map'
    }
    Cleanup      = {
        param($State)
        if ($State.Pool) { Remove-ProcessPool $State.Pool -Force }
    }

    Rows         = @(
        @{ Key = 'InProcess'; Name = 'ForEach-Object (in-process)'; Baseline = $true }
        @{ Key = 'Parallel'; Name = 'ForEach-Object -Parallel -ThrottleLimit 2' }
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(
                @{ Text = '≥ 0.5x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 0.5 }
                @{ Text = '≥ 100x -Parallel'; Against = 'Parallel'; Op = '>='; Ratio = 100 }
            )
        }
        @{ Key = 'Python'; Name = 'Python Pool(2).map, warm'; Python = $true }
    )

    Measurements = @(
        @{
            Keys   = 'InProcess'
            Warmup = $true
            Run    = {
                param($State)
                $n = $State.Items
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = 1..$n | ForEach-Object { $_ * $_ }
                $stopwatch.Stop()
                Assert-BenchResult ($results.Count -eq $n -and $results[-1] -eq $n * $n) 'in-process map'
                $n / $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys   = 'Parallel'
            Warmup = $true
            Run    = {
                param($State)
                $n = $State.ParallelItems
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = 1..$n | ForEach-Object -Parallel { $_ * $_ } -ThrottleLimit 2
                $stopwatch.Stop()
                Assert-BenchResult ($results.Count -eq $n) 'ForEach-Object -Parallel'
                $n / $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys   = 'ProcCmdlets'
            Warmup = $true
            Run    = {
                param($State)
                $n = $State.Items
                $pool = $State.Pool
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = 1..$n | Invoke-ProcessPoolMap { $_ * $_ } -Pool $pool
                $stopwatch.Stop()
                Assert-BenchResult ($results.Count -eq $n -and $results[-1] -eq $n * $n) 'Invoke-ProcessPoolMap'
                $n / $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys = 'Python'
            Run  = {
                param($State)
                $State.Items / (Invoke-PythonBench map, $State.Items).seconds
            }
        }
    )
}
