<#
.SYNOPSIS
    j. Rows: 100,000 Import-Csv-like objects (ten string properties) through a warm pool of 2 (items per second).
.DESCRIPTION
    The rows are made before the clock starts, as Import-Csv would give them; each item reads two
    of a row's properties and returns a string. The figure is what it costs to carry rows to the
    workers: their properties read and encoded in the session, rebuilt in the workers.
#>
param($Bench)

$items = if ($Bench.Quick) { 20000 } else { 100000 }

@{
    Id           = 'j'
    Title        = 'Rows'
    Description  = "$('{0:N0}' -f $items) rows like Import-Csv's (``[pscustomobject]``s of ten string properties, made before the clock starts) through ``{ `$_.A + `$_.C }``, in-process by ForEach-Object and by a warm pool of 2, from the pipeline and from ``-InputObject``. The steady rows run once, untimed, before the timed runs; the first-use rows each run in a fresh process with no warm-up (ProcCmdlets: a new pool of 2, its start waited for untimed, and its first map)."
    Unit         = 'items/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Items = $items }

    Setup        = {
        param($State)
        $State.Rows = 1..$State.Items | ForEach-Object {
            [pscustomobject]@{ A = "a$_"; B = "b$_"; C = "$_"; D = 'dd'; E = 'e'; F = "f$_"; G = '1.5'; H = 'h'; I = "i$_"; J = 'j' }
        }
        $State.Pool = New-ProcessPool 2
        $warm = $State.Rows[0..99] | Invoke-ProcessPoolMap { $_.A + $_.C } -Pool $State.Pool
        Assert-BenchResult (@($warm).Count -eq 100) 'the warm-up map'
    }
    Cleanup      = {
        param($State)
        if ($State.Pool) { Remove-ProcessPool $State.Pool -Force }
        $State.Rows = $null
    }

    Rows         = @(
        @{ Key = 'InProcess'; Name = 'ForEach-Object (in-process)'; Baseline = $true }
        @{ Key = 'InProcessFirst'; Name = 'ForEach-Object, a fresh session''s first'; FirstUse = $true }
        @{ Key = 'ProcCmdletsFirst'; Name = 'Invoke-ProcessPoolMap -InputObject, new pool of 2, its first map'; Product = $true; FirstUse = $true }
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 1.0x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 1.0 })
        }
        @{
            Key = 'ProcCmdletsList'; Name = 'Invoke-ProcessPoolMap -InputObject $rows, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 1.0x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 1.0 })
        }
    )

    Measurements = @(
        @{
            Keys   = 'InProcess'
            Warmup = $true
            Run    = {
                param($State)
                $rows = $State.Rows
                $m = Measure-BenchSteady { $rows | ForEach-Object { $_.A + $_.C } }
                Assert-BenchResult ($m.Output.Count -eq $rows.Count -and $m.Output[-1] -eq "a$($rows.Count)$($rows.Count)") 'in-process rows'
                @{ InProcess = $rows.Count / $m.Seconds; 'InProcess#cpu' = $m.Cpu }
            }
        }
        @{
            Keys = 'InProcessFirst'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Items -Body {
                    $n = [int] $Argument
                    $rows = 1..$n | ForEach-Object { [pscustomobject]@{ A = "a$_"; B = "b$_"; C = "$_"; D = 'dd'; E = 'e'; F = "f$_"; G = '1.5'; H = 'h'; I = "i$_"; J = 'j' } }
                    $m = Measure-BenchFirstUse { $rows | ForEach-Object { $_.A + $_.C } }
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
                    $rows = 1..$n | ForEach-Object { [pscustomobject]@{ A = "a$_"; B = "b$_"; C = "$_"; D = 'dd'; E = 'e'; F = "f$_"; G = '1.5'; H = 'h'; I = "i$_"; J = 'j' } }
                    $pool = New-ProcessPool 2
                    Wait-BenchPoolIdle $pool
                    $m = Measure-BenchFirstUse { Invoke-ProcessPoolMap { $_.A + $_.C } -Pool $pool -InputObject $rows }
                    Remove-ProcessPool $pool -Force
                    if ($m.Output.Count -ne $n -or $m.Output[-1] -ne "a$n$n") { throw 'wrong results' }
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
                $rows = $State.Rows
                $pool = $State.Pool
                $m = Measure-BenchSteady { $rows | Invoke-ProcessPoolMap { $_.A + $_.C } -Pool $pool }
                Assert-BenchResult ($m.Output.Count -eq $rows.Count -and $m.Output[-1] -eq "a$($rows.Count)$($rows.Count)") 'Invoke-ProcessPoolMap rows'
                @{ ProcCmdlets = $rows.Count / $m.Seconds; 'ProcCmdlets#cpu' = $m.Cpu }
            }
        }
        @{
            Keys   = 'ProcCmdletsList'
            Warmup = $true
            Run    = {
                param($State)
                $rows = $State.Rows
                $pool = $State.Pool
                $m = Measure-BenchSteady { Invoke-ProcessPoolMap { $_.A + $_.C } -Pool $pool -InputObject $rows }
                Assert-BenchResult ($m.Output.Count -eq $rows.Count -and $m.Output[-1] -eq "a$($rows.Count)$($rows.Count)") 'Invoke-ProcessPoolMap -InputObject rows'
                @{ ProcCmdletsList = $rows.Count / $m.Seconds; 'ProcCmdletsList#cpu' = $m.Cpu }
            }
        }
    )
}
