<#
.SYNOPSIS
    g. What a fresh session meets: first items on each worker, the session's CPU while it waits,
    back-pressure and an idle worker's memory. Every row runs in a fresh process.
#>
param($Bench)

$iterations = if ($Bench.Quick) { 1000000 } else { 3000000 }
$loop = "`$s = 0; for (`$i = 0; `$i -lt $iterations; `$i++) { `$s += `$i }; `$s"
$strings = if ($Bench.Quick) { 50000 } else { 200000 }

@{
    Id           = 'g1'
    Title        = 'First item on each worker'
    Description  = "Seconds of the first ``$loop`` item on a worker, timed inside the item: on the only worker of a new pool of 1, and on each of the 2 workers of a new pool of 2 starting together (the slower of the two). Each pool is new in a fresh session; its start is waited for, untimed. The same loop's first run in a fresh session is shown for reference."
    Unit         = 's'
    Ratio        = 'Relative'
    FirstUse     = $true
    Parameters   = @{ Loop = $loop }
    Rows         = @(
        @{ Key = 'Lone'; Name = 'A lone worker''s first item'; Baseline = $true }
        @{
            Key = 'Pair'; Name = 'Two workers'' first items together (slower one)'; Product = $true
            Targets = @(@{ Text = '≤ 1.5x a lone worker''s'; Against = 'Lone'; Op = '<='; Ratio = 1.5 })
        }
        @{ Key = 'InSession'; Name = 'The loop''s first run in a fresh session' }
    )
    Measurements = @(
        @{
            Keys = 'Lone', 'Pair'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Loop -Body {
                    Import-Module $ModulePath
                    $timed = [scriptblock]::Create("`$sw = [Diagnostics.Stopwatch]::StartNew(); `$null = & { $Argument }; `$sw.Elapsed.TotalSeconds")
                    $one = New-ProcessPool 1
                    Wait-BenchPoolIdle $one
                    $lone = 1 | Invoke-ProcessPoolMap $timed -Pool $one
                    Remove-ProcessPool $one -Force
                    $two = New-ProcessPool 2
                    Wait-BenchPoolIdle $two
                    $pair = 1..2 | Invoke-ProcessPoolMap $timed -Pool $two -ChunkSize 1
                    Remove-ProcessPool $two -Force
                    "BENCH_RESULT $(@{ lone = $lone; pair = ($pair | Measure-Object -Maximum).Maximum } | ConvertTo-Json -Compress)"
                }
                @{ Lone = $result.lone; Pair = $result.pair }
            }
        }
        @{
            Keys = 'InSession'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Loop -Body {
                    $task = [scriptblock]::Create($Argument)
                    $m = Measure-BenchFirstUse { & $task }
                    "BENCH_RESULT $(@{ s = $m.Seconds } | ConvertTo-Json -Compress)"
                }
                $result.s
            }
        }
    )
}

@{
    Id           = 'g2'
    Title        = 'Session CPU while workers compute'
    Description  = "CPU seconds of the session and of its 2 workers during 8 ``$loop`` items on a new pool of 2 in a fresh session: its first map, and its third (steady). The session only waits: its CPU should be a small share of its workers'. On Linux the rows below each session row give the part of it spent by .NET's background thread recompiling the session's own code, which the session's runtime settings govern."
    Unit         = 's'
    Ratio        = 'Relative'
    FirstUse     = $true
    Parameters   = @{ Loop = $loop }
    Rows         = @(
        @{ Key = 'WorkersFirst'; Name = 'Workers'' CPU, first map'; Baseline = $true }
        @{
            Key = 'SessionFirst'; Name = 'Session CPU, first map'; Product = $true
            Targets = @(@{ Text = '≤ 5% of the workers'''; Against = 'WorkersFirst'; Op = '<='; Ratio = 0.05 })
        }
        @{ Key = 'SessionFirstJit'; Name = 'of which .NET recompiling the session''s code (background thread)' }
        @{ Key = 'WorkersSteady'; Name = 'Workers'' CPU, third map' }
        @{
            Key = 'SessionSteady'; Name = 'Session CPU, third map'; Product = $true
            Targets = @(@{ Text = '≤ 5% of the workers'''; Against = 'WorkersSteady'; Op = '<='; Ratio = 0.05 })
        }
        @{ Key = 'SessionSteadyJit'; Name = 'of which .NET recompiling the session''s code (background thread)' }
    )
    Measurements = @(
        @{
            Keys = 'WorkersFirst', 'SessionFirst', 'SessionFirstJit', 'WorkersSteady', 'SessionSteady', 'SessionSteadyJit'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Loop -Body {
                    Import-Module $ModulePath
                    $task = [scriptblock]::Create($Argument)
                    $pool = New-ProcessPool 2
                    Wait-BenchPoolIdle $pool
                    $maps = foreach ($k in 1..3) { Measure-BenchFirstUse -Workers $pool.WorkerProcessIds { 1..8 | Invoke-ProcessPoolMap $task -Pool $pool } }
                    Remove-ProcessPool $pool -Force
                    "BENCH_RESULT $(@{ wf = $maps[0].WorkerCpu; sf = $maps[0].Cpu; jf = $maps[0].Jit; ws = $maps[2].WorkerCpu; ss = $maps[2].Cpu; js = $maps[2].Jit } | ConvertTo-Json -Compress)"
                }
                @{ WorkersFirst = $result.wf; SessionFirst = $result.sf; SessionFirstJit = $result.jf; WorkersSteady = $result.ws; SessionSteady = $result.ss; SessionSteadyJit = $result.js }
            }
        }
    )
}

@{
    Id           = 'g3'
    Title        = 'Back-pressure'
    Description  = "Growth of a fresh session's working set (MB, sampled every 500 records) while $('{0:N0}' -f $strings) strings of 1 KB flow into a consumer slower than their producer (``ForEach-Object`` sleeping 10 ms every 500 records): made in-process (the same string each time, and a new string each time, as the session receives them), and written by one item of a new pool of 2."
    Unit         = 'MB'
    Ratio        = 'Relative'
    FirstUse     = $true
    Parameters   = @{ Strings = $strings }
    Rows         = @(
        @{ Key = 'InProcess'; Name = 'Strings made in-process'; Baseline = $true }
        @{ Key = 'InProcessNew'; Name = 'Strings made in-process, each a new string (as received ones are)' }
        @{
            Key = 'ProcCmdlets'; Name = 'One item of a pool writing them'; Product = $true
            Targets = @(@{ Text = '≤ 64 MB'; Op = '<='; Value = 64 })
        }
    )
    Measurements = @(
        @{
            Keys = 'InProcess'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Strings -Body {
                    $n = [int] $Argument
                    $state = @{ Count = 0; Base = [Environment]::WorkingSet; Peak = [Environment]::WorkingSet }
                    & { $pad = 'x' * 1024; for ($i = 0; $i -lt $n; $i++) { $pad } } | ForEach-Object {
                        $state.Count++
                        if ($state.Count % 500 -eq 0) { Start-Sleep -Milliseconds 10; $state.Peak = [math]::Max($state.Peak, [Environment]::WorkingSet) }
                    }
                    if ($state.Count -ne $n) { throw 'wrong count' }
                    "BENCH_RESULT $(@{ mb = ($state.Peak - $state.Base) / 1MB } | ConvertTo-Json -Compress)"
                }
                $result.mb
            }
        }
        @{
            Keys = 'InProcessNew'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Strings -Body {
                    $n = [int] $Argument
                    $state = @{ Count = 0; Base = [Environment]::WorkingSet; Peak = [Environment]::WorkingSet }
                    & { for ($i = 0; $i -lt $n; $i++) { [string]::new([char] 'x', 1024) } } | ForEach-Object {
                        $state.Count++
                        if ($state.Count % 500 -eq 0) { Start-Sleep -Milliseconds 10; $state.Peak = [math]::Max($state.Peak, [Environment]::WorkingSet) }
                    }
                    if ($state.Count -ne $n) { throw 'wrong count' }
                    "BENCH_RESULT $(@{ mb = ($state.Peak - $state.Base) / 1MB } | ConvertTo-Json -Compress)"
                }
                $result.mb
            }
        }
        @{
            Keys = 'ProcCmdlets'
            Run  = {
                param($State)
                $result = Invoke-FreshFirstUse -Argument $State.Strings -Body {
                    $n = [int] $Argument
                    Import-Module $ModulePath
                    $pool = New-ProcessPool 2
                    Wait-BenchPoolIdle $pool
                    $state = @{ Count = 0; Base = [Environment]::WorkingSet; Peak = [Environment]::WorkingSet }
                    1 | Invoke-ProcessPoolMap -Pool $pool { $pad = 'x' * 1024; $count = $using:n; for ($i = 0; $i -lt $count; $i++) { $pad } } | ForEach-Object {
                        $state.Count++
                        if ($state.Count % 500 -eq 0) { Start-Sleep -Milliseconds 10; $state.Peak = [math]::Max($state.Peak, [Environment]::WorkingSet) }
                    }
                    Remove-ProcessPool $pool -Force
                    if ($state.Count -ne $n) { throw "wrong count $($state.Count)" }
                    "BENCH_RESULT $(@{ mb = ($state.Peak - $state.Base) / 1MB } | ConvertTo-Json -Compress)"
                }
                $result.mb
            }
        }
    )
}

@{
    Id           = 'g4'
    Title        = 'Idle worker memory'
    Description  = 'Resident memory (VmRSS, MB) of an idle worker of a new pool of 1 after it ran one trivial item, beside the fresh session itself. Most of a worker''s resident pages are the runtime''s and engine''s files, mapped read-only and shared with the session and the other workers; the last two rows say what one more worker costs.'
    Unit         = 'MB'
    Ratio        = 'Relative'
    FirstUse     = $true
    Parameters   = @{}
    Rows         = @(
        @{ Key = 'Session'; Name = 'The fresh session itself (module imported)'; Baseline = $true }
        @{
            Key = 'Worker'; Name = 'Idle worker'; Product = $true
            Targets = @(@{ Text = '≤ 75 MB'; Op = '<='; Value = 75 })
        }
        @{ Key = 'WorkerPss'; Name = 'Idle worker, proportional share (Pss: shared pages divided among the processes mapping them)' }
        @{ Key = 'WorkerPrivate'; Name = 'Idle worker, its own pages only (Private_Clean + Private_Dirty)' }
    )
    Measurements = @(
        @{
            Keys = 'Session', 'Worker', 'WorkerPss', 'WorkerPrivate'
            Run  = {
                $result = Invoke-FreshFirstUse -Body {
                    Import-Module $ModulePath
                    $rss = { param($id) [double] ((Get-Content "/proc/$id/status" | Where-Object { $_ -like 'VmRSS:*' }) -replace '\D', '') / 1024 }
                    $pool = New-ProcessPool 1
                    $null = 1 | Invoke-ProcessPoolMap { $_ } -Pool $pool
                    Wait-BenchPoolIdle $pool
                    $worker = & $rss $pool.WorkerProcessIds[0]
                    $rollup = @{}
                    foreach ($line in Get-Content "/proc/$($pool.WorkerProcessIds[0])/smaps_rollup") { if ($line -match '^(\w+):\s+(\d+) kB') { $rollup[$Matches[1]] = [double] $Matches[2] / 1024 } }
                    $session = & $rss $PID
                    Remove-ProcessPool $pool -Force
                    "BENCH_RESULT $(@{ worker = $worker; session = $session; pss = $rollup.Pss; private = $rollup.Private_Clean + $rollup.Private_Dirty } | ConvertTo-Json -Compress)"
                }
                @{ Session = $result.session; Worker = $result.worker; WorkerPss = $result.pss; WorkerPrivate = $result.private }
            }
        }
    )
}
