<#
.SYNOPSIS
    e. Rich objects: 10,000 [pscustomobject]s built by a warm pool of 2 (items per second).
.DESCRIPTION
    Each result is an object with four properties, so the figure includes serializing objects in
    the workers and rebuilding them (as Deserialized property bags) in the session.
#>
param($Bench)

$items = if ($Bench.Quick) { 2000 } else { 10000 }

@{
    Id           = 'e'
    Title        = 'Rich objects'
    Description  = "$('{0:N0}' -f $items) ``[pscustomobject]@{ Id = `$_; Name = ""n`$_""; Value = `$_ * 2; Flag = (`$_ % 2 -eq 0) }`` built in-process by ForEach-Object and by a warm pool of 2; Python builds the same dicts in a warm ``Pool(2).map``. The steady rows run once, untimed, before the timed runs; the first-use rows each run in a fresh process with no warm-up (ProcCmdlets: a new pool of 2, its start waited for untimed, and its first map)."
    Unit         = 'items/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Items = $items }

    Setup        = {
        param($State)
        $State.Pool = New-ProcessPool 2
        $warm = 1..100 | Invoke-ProcessPoolMap { [pscustomobject]@{ Id = $_ } } -Pool $State.Pool
        Assert-BenchResult (@($warm).Count -eq 100) 'the warm-up map'
    }
    Cleanup      = {
        param($State)
        if ($State.Pool) { Remove-ProcessPool $State.Pool -Force }
    }

    Rows         = @(
        @{ Key = 'InProcess'; Name = 'ForEach-Object (in-process)'; Baseline = $true }
        @{ Key = 'InProcessFirst'; Name = 'ForEach-Object, a fresh session''s first'; FirstUse = $true }
        @{ Key = 'ProcCmdletsFirst'; Name = 'Invoke-ProcessPoolMap, new pool of 2, its first map'; Product = $true; FirstUse = $true
            Targets = @(@{ Text = '≥ 0.5x a fresh session''s ForEach-Object'; Against = 'InProcessFirst'; Op = '>='; Ratio = 0.5 }) }
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 1.0x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 1.0 })
        }
        @{
            Key = 'ProcCmdletsList'; Name = 'Invoke-ProcessPoolMap -InputObject $list, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 1.5x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 1.5 })
        }
        @{ Key = 'Python'; Name = 'Python Pool(2).map of dicts, warm'; Python = $true }
    )

    Measurements = @(
        @{
            Keys   = 'InProcess'
            Warmup = $true
            Run    = {
                param($State)
                $n = $State.Items
                $m = Measure-BenchSteady { 1..$n | ForEach-Object { [pscustomobject]@{ Id = $_; Name = "n$_"; Value = $_ * 2; Flag = ($_ % 2 -eq 0) } } }
                $results = $m.Output
                Assert-BenchResult ($results.Count -eq $n -and $results[-1].Value -eq 2 * $n) 'in-process objects'
                @{ InProcess = $n / $m.Seconds; 'InProcess#cpu' = $m.Cpu }
            }
        }
        @{
            Keys = 'InProcessFirst'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Items -Body {
                    $n = [int] $Argument
                    $m = Measure-BenchFirstUse { 1..$n | ForEach-Object { [pscustomobject]@{ Id = $_; Name = "n$_"; Value = $_ * 2; Flag = ($_ % 2 -eq 0) } } }
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
                    $m = Measure-BenchFirstUse { 1..$n | Invoke-ProcessPoolMap { [pscustomobject]@{ Id = $_; Name = "n$_"; Value = $_ * 2; Flag = ($_ % 2 -eq 0) } } -Pool $pool }
                    Remove-ProcessPool $pool -Force
                    if ($m.Output.Count -ne $n -or $m.Output[-1].Name -ne "n$n") { throw 'wrong results' }
                    "BENCH_RESULT $(@{ s = $m.Seconds; cpu = $m.Cpu } | ConvertTo-Json -Compress)"
                }
                @{ ProcCmdletsFirst = $State.Items / $result.s; 'ProcCmdletsFirst#cpu' = $result.cpu }
            }
        }
        @{
            Keys   = 'ProcCmdlets'
            Warmup = $true
            Run    = {
                param($State)
                $n = $State.Items
                $pool = $State.Pool
                $m = Measure-BenchSteady { 1..$n | Invoke-ProcessPoolMap { [pscustomobject]@{ Id = $_; Name = "n$_"; Value = $_ * 2; Flag = ($_ % 2 -eq 0) } } -Pool $pool }
                $results = $m.Output
                Assert-BenchResult ($results.Count -eq $n -and $results[-1].Value -eq 2 * $n -and $results[-1].Name -eq "n$n") 'Invoke-ProcessPoolMap objects'
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
                $m = Measure-BenchSteady { Invoke-ProcessPoolMap { [pscustomobject]@{ Id = $_; Name = "n$_"; Value = $_ * 2; Flag = ($_ % 2 -eq 0) } } -Pool $pool -InputObject $list }
                $results = $m.Output
                Assert-BenchResult ($results.Count -eq $n -and $results[-1].Value -eq 2 * $n -and $results[-1].Name -eq "n$n") 'Invoke-ProcessPoolMap -InputObject objects'
                @{ ProcCmdletsList = $n / $m.Seconds; 'ProcCmdletsList#cpu' = $m.Cpu }
            }
        }
        @{
            Keys = 'Python'
            Run  = {
                param($State)
                $State.Items / (Invoke-PythonBench rich, $State.Items).seconds
            }
        }
    )
}
