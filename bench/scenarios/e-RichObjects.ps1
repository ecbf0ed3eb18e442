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
    Description  = "$('{0:N0}' -f $items) ``[pscustomobject]@{ Id = `$_; Name = ""n`$_""; Value = `$_ * 2; Flag = (`$_ % 2 -eq 0) }`` built in-process by ForEach-Object and by a warm pool of 2; Python builds the same dicts in a warm ``Pool(2).map``. Each PowerShell row runs once, untimed, before the timed runs."
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
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 0.25x in-process'; Against = 'InProcess'; Op = '>='; Ratio = 0.25 })
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
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = 1..$n | ForEach-Object { [pscustomobject]@{ Id = $_; Name = "n$_"; Value = $_ * 2; Flag = ($_ % 2 -eq 0) } }
                $stopwatch.Stop()
                Assert-BenchResult ($results.Count -eq $n -and $results[-1].Value -eq 2 * $n) 'in-process objects'
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
                $results = 1..$n | Invoke-ProcessPoolMap { [pscustomobject]@{ Id = $_; Name = "n$_"; Value = $_ * 2; Flag = ($_ % 2 -eq 0) } } -Pool $pool
                $stopwatch.Stop()
                Assert-BenchResult ($results.Count -eq $n -and $results[-1].Value -eq 2 * $n -and $results[-1].Name -eq "n$n") 'Invoke-ProcessPoolMap objects'
                $n / $stopwatch.Elapsed.TotalSeconds
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
