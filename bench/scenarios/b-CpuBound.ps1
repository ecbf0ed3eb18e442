<#
.SYNOPSIS
    b. CPU-bound: 8 tasks, each a summing loop of 3,000,000 iterations (seconds).
.DESCRIPTION
    Every row runs the same task text the same number of times. The baseline invokes the task
    with & (its own scope, as a worker, a job or a -Parallel runspace runs it); a second
    in-process row runs the loop inline in ForEach-Object, where it is dot-sourced into the
    caller's scope and runs much slower, which is what a plain `1..8 | ForEach-Object { ... }` costs.
#>
param($Bench)

$tasks = 8
$iterations = if ($Bench.Quick) { 1000000 } else { 3000000 }

@{
    Id           = 'b'
    Title        = 'CPU-bound'
    Description  = "$tasks tasks, each ```$s = 0; for (`$i = 0; `$i -lt $iterations; `$i++) { `$s += `$i }; `$s``, on 2 workers (or throttled to 2) where the method allows; Start-Job starts all $tasks jobs at once. ProcCmdlets uses a warm pool of 2. The in-process rows and ProcCmdlets run once, untimed, before the timed runs (-Parallel, thread jobs and Start-Job make new runspaces or processes on every run). Python runs the same loop in a warm ``Pool(2)``, timed inside Python."
    Unit         = 's'
    Ratio        = 'Speedup'
    Parameters   = @{ Tasks = $tasks; Iterations = $iterations }

    Setup        = {
        param($State)
        $n = $State.Iterations
        $State.Task = [scriptblock]::Create("`$s = 0; for (`$i = 0; `$i -lt $n; `$i++) { `$s += `$i }; `$s")
        $State.Expected = [double] $n * ($n - 1) / 2
        $State.Check = {
            param($State, $Results, $What)
            $all = @($Results)
            Assert-BenchResult ($all.Count -eq $State.Tasks -and @($all | Where-Object { [double] $_ -ne $State.Expected }).Count -eq 0) $What
        }
        $State.Pool = New-ProcessPool 2
        $warm = 1..4 | Invoke-ProcessPoolMap { $_ } -Pool $State.Pool
        Assert-BenchResult (@($warm).Count -eq 4) 'the warm-up map'
    }
    Cleanup      = {
        param($State)
        if ($State.Pool) { Remove-ProcessPool $State.Pool -Force }
    }

    Rows         = @(
        @{ Key = 'Sequential'; Name = 'Sequential in-session (& task)'; Baseline = $true }
        @{ Key = 'ForEachInline'; Name = 'Sequential, ForEach-Object { loop } (dot-sourced)' }
        @{ Key = 'Parallel'; Name = 'ForEach-Object -Parallel -ThrottleLimit 2' }
        @{ Key = 'ThreadJob'; Name = 'Start-ThreadJob x8 -ThrottleLimit 2' }
        @{ Key = 'StartJob'; Name = 'Start-Job x8' }
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 1.6x faster than sequential'; Against = 'Sequential'; Op = '>='; Ratio = 1.6 })
        }
        @{ Key = 'Python'; Name = 'Python Pool(2).map, warm'; Python = $true }
    )

    Measurements = @(
        @{
            Keys   = 'Sequential'
            Warmup = $true
            Run    = {
                param($State)
                $task = $State.Task
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = foreach ($k in 1..$State.Tasks) { & $task }
                $stopwatch.Stop()
                & $State.Check $State $results 'sequential'
                $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys   = 'ForEachInline'
            Warmup = $true
            Run    = {
                param($State)
                $task = $State.Task
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = 1..$State.Tasks | ForEach-Object -Process $task
                $stopwatch.Stop()
                & $State.Check $State $results 'ForEach-Object inline'
                $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys = 'Parallel'
            Run    = {
                param($State)
                $task = $State.Task
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = 1..$State.Tasks | ForEach-Object -Parallel $task -ThrottleLimit 2
                $stopwatch.Stop()
                & $State.Check $State $results 'ForEach-Object -Parallel'
                $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys = 'ThreadJob'
            Run    = {
                param($State)
                $task = $State.Task
                $jobs = @()
                try {
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $jobs = foreach ($k in 1..$State.Tasks) { Start-ThreadJob -ScriptBlock $task -ThrottleLimit 2 }
                    $results = $jobs | Receive-Job -Wait
                    $stopwatch.Stop()
                } finally {
                    $jobs | Remove-Job -Force
                }
                & $State.Check $State $results 'Start-ThreadJob'
                $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys = 'StartJob'
            Run    = {
                param($State)
                $task = $State.Task
                $jobs = @()
                try {
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $jobs = foreach ($k in 1..$State.Tasks) { Start-Job -ScriptBlock $task }
                    $results = $jobs | Receive-Job -Wait
                    $stopwatch.Stop()
                } finally {
                    $jobs | Remove-Job -Force
                }
                & $State.Check $State $results 'Start-Job'
                $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys   = 'ProcCmdlets'
            Warmup = $true
            Run    = {
                param($State)
                $task = $State.Task
                $pool = $State.Pool
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                $results = 1..$State.Tasks | Invoke-ProcessPoolMap $task -Pool $pool
                $stopwatch.Stop()
                & $State.Check $State $results 'Invoke-ProcessPoolMap'
                $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys = 'Python'
            Run    = {
                param($State)
                (Invoke-PythonBench cpu, $State.Tasks, $State.Iterations).seconds
            }
        }
    )
}
