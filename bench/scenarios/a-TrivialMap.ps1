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
    Description  = "$('{0:N0}' -f $items) integers through ``{ `$_ * `$_ }``. ProcCmdlets uses a pool of 2 created and warmed (a small map) before the clock starts; Python's ``Pool(2).map`` is timed inside Python, also warm; ForEach-Object -Parallel is timed on $('{0:N0}' -f $parallelItems) items. The steady rows run once, untimed, before the timed runs; the first-use rows each run in a fresh process (a fresh session; for ProcCmdlets a new pool of 2, whose start is waited for untimed, and its first map) with no warm-up."
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
        @{ Key = 'InProcessFirst'; Name = 'ForEach-Object, a fresh session''s first'; FirstUse = $true }
        @{
            Key = 'ProcCmdletsFirst'; Name = 'Invoke-ProcessPoolMap, new pool of 2, its first map'; Product = $true; FirstUse = $true
            Targets = @(@{ Text = '≥ 0.8x a fresh session''s ForEach-Object'; Against = 'InProcessFirst'; Op = '>='; Ratio = 0.8 })
        }
        @{ Key = 'Parallel'; Name = 'ForEach-Object -Parallel -ThrottleLimit 2' }
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(
                @{ Text = '≥ 1.5x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 1.5 }
                @{ Text = '≥ 100x -Parallel'; Against = 'Parallel'; Op = '>='; Ratio = 100 }
            )
        }
        @{
            Key = 'ProcCmdletsList'; Name = 'Invoke-ProcessPoolMap -InputObject $list, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 2.0x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 2.0 })
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
                $m = Measure-BenchSteady { 1..$n | ForEach-Object { $_ * $_ } }
                $results = $m.Output
                Assert-BenchResult ($results.Count -eq $n -and $results[-1] -eq $n * $n) 'in-process map'
                @{ InProcess = $n / $m.Seconds; 'InProcess#cpu' = $m.Cpu }
            }
        }
        @{
            Keys = 'InProcessFirst'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Items -Body {
                    $n = [int] $Argument
                    $m = Measure-BenchFirstUse { 1..$n | ForEach-Object { $_ * $_ } }
                    if ($m.Output.Count -ne $n) { throw 'wrong results' }
                    "BENCH_RESULT $(@{ s = $m.Seconds; cpu = $m.Cpu } | ConvertTo-Json -Compress)"
                }
                @{ InProcessFirst = $State.Items / $result.s; 'InProcessFirst#cpu' = $result.cpu }
            }
        }
        @{
            Keys = 'ProcCmdletsFirst'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Items -Body {
                    $n = [int] $Argument
                    Import-Module $ModulePath
                    $pool = New-ProcessPool 2
                    Wait-BenchPoolIdle $pool
                    $m = Measure-BenchFirstUse -Workers $pool.WorkerProcessIds { 1..$n | Invoke-ProcessPoolMap { $_ * $_ } -Pool $pool }
                    Remove-ProcessPool $pool -Force
                    if ($m.Output.Count -ne $n -or $m.Output[-1] -ne $n * $n) { throw 'wrong results' }
                    "BENCH_RESULT $(@{ s = $m.Seconds; cpu = $m.Cpu } | ConvertTo-Json -Compress)"
                }
                @{ ProcCmdletsFirst = $State.Items / $result.s; 'ProcCmdletsFirst#cpu' = $result.cpu }
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
                $m = Measure-BenchSteady { 1..$n | Invoke-ProcessPoolMap { $_ * $_ } -Pool $pool }
                $results = $m.Output
                Assert-BenchResult ($results.Count -eq $n -and $results[-1] -eq $n * $n) 'Invoke-ProcessPoolMap'
                @{ ProcCmdlets = $n / $m.Seconds; 'ProcCmdlets#cpu' = $m.Cpu }
            }
        }
        @{
            Keys   = 'ProcCmdletsList'
            Warmup = $true
            Run    = {
                param($State)
                $n = $State.Items
                $pool = $State.Pool
                $list = 1..$n
                $m = Measure-BenchSteady { Invoke-ProcessPoolMap { $_ * $_ } -Pool $pool -InputObject $list }
                $results = $m.Output
                Assert-BenchResult ($results.Count -eq $n -and $results[-1] -eq $n * $n) 'Invoke-ProcessPoolMap -InputObject'
                @{ ProcCmdletsList = $n / $m.Seconds; 'ProcCmdletsList#cpu' = $m.Cpu }
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
