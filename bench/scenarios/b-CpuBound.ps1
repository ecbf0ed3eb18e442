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
    Description  = "$tasks tasks, each ```$s = 0; for (`$i = 0; `$i -lt $iterations; `$i++) { `$s += `$i }; `$s``, on 2 workers (or throttled to 2) where the method allows; Start-Job starts all $tasks jobs at once. ProcCmdlets uses a warm pool of 2. The in-process rows and ProcCmdlets run once, untimed, before the timed runs (-Parallel, thread jobs and Start-Job make new runspaces or processes on every run). Python runs the same loop in a warm ``Pool(2)``, timed inside Python. The first-use rows each run in a fresh process with no warm-up: the 8 tasks run sequentially in a fresh session, and a fresh session's new pool of 2 (its start waited for, untimed) runs its first map."
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
        @{ Key = 'SequentialFirst'; Name = 'Sequential (& task), a fresh session''s first'; FirstUse = $true }
        @{
            Key = 'ProcCmdletsFirst'; Name = 'Invoke-ProcessPoolMap, new pool of 2, its first map'; Product = $true; FirstUse = $true
            Targets = @(@{ Text = '≥ 1.5x a fresh session''s sequential run'; Against = 'SequentialFirst'; Op = '>='; Ratio = 1.5 })
        }
        @{ Key = 'ForEachInline'; Name = 'Sequential, ForEach-Object { loop } (dot-sourced)' }
        @{ Key = 'Parallel'; Name = 'ForEach-Object -Parallel -ThrottleLimit 2' }
        @{ Key = 'ThreadJob'; Name = 'Start-ThreadJob x8 -ThrottleLimit 2' }
        @{ Key = 'StartJob'; Name = 'Start-Job x8' }
        @{
            Key = 'ProcCmdlets'; Name = 'Invoke-ProcessPoolMap, warm pool of 2'; Product = $true
            Targets = @(@{ Text = '≥ 1.85x faster than sequential'; Against = 'Sequential'; Op = '>='; Ratio = 1.85 })
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
                $m = Measure-BenchSteady { foreach ($k in 1..$State.Tasks) { & $task } }
                & $State.Check $State $m.Output 'sequential'
                @{ Sequential = $m.Seconds; 'Sequential#cpu' = $m.Cpu }
            }
        }
        @{
            Keys = 'SequentialFirst'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Task.ToString() -Body {
                    $task = [scriptblock]::Create($Argument)
                    $m = Measure-BenchFirstUse { foreach ($k in 1..8) { & $task } }
                    if ($m.Output.Count -ne 8) { throw 'wrong results' }
                    "BENCH_RESULT $(@{ s = $m.Seconds; cpu = $m.Cpu } | ConvertTo-Json -Compress)"
                }
                @{ SequentialFirst = $result.s; 'SequentialFirst#cpu' = $result.cpu }
            }
        }
        @{
            Keys = 'ProcCmdletsFirst'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Task.ToString() -Body {
                    $task = [scriptblock]::Create($Argument)
                    Import-Module $ModulePath
                    $pool = New-ProcessPool 2
                    Wait-BenchPoolIdle $pool
                    $m = Measure-BenchFirstUse -Workers $pool.WorkerProcessIds { 1..8 | Invoke-ProcessPoolMap $task -Pool $pool }
                    Remove-ProcessPool $pool -Force
                    if ($m.Output.Count -ne 8) { throw 'wrong results' }
                    "BENCH_RESULT $(@{ s = $m.Seconds; cpu = $m.Cpu } | ConvertTo-Json -Compress)"
                }
                @{ ProcCmdletsFirst = $result.s; 'ProcCmdletsFirst#cpu' = $result.cpu }
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
                $m = Measure-BenchSteady { 1..$State.Tasks | Invoke-ProcessPoolMap $task -Pool $pool }
                & $State.Check $State $m.Output 'Invoke-ProcessPoolMap'
                @{ ProcCmdlets = $m.Seconds; 'ProcCmdlets#cpu' = $m.Cpu }
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
