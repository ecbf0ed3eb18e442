#Requires -Version 7.0
# Reliability: a pool worker dies while it runs an item (it exits, crashes or is killed from
# outside), items run past -TimeoutSeconds under load, a pool cannot start its workers.
# API.md, "Faults": the dead worker is replaced, only the item it was running gives an error
# (WorkerCrashed, with the exit status), no item is lost and none yields its results twice.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:pool = New-ProcessPool -ProcessCount 2 -Name 'WorkerDeathPool'
    $null = Wait-ProcessPoolReady -Pool $script:pool

    # The pid named in a WorkerCrashed message ("The worker process N ended with exit status S ...").
    function Get-CrashedProcessId {
        param([System.Management.Automation.ErrorRecord] $Record)

        if ($Record.Exception.Message -match 'worker process (\d+)') {
            [int] $Matches[1]
        }
    }

    # The pool has two live workers again, the dead one is not among them, and it runs a map.
    function Assert-PoolRecovered {
        param($Pool, [int] $DeadProcessId)

        $replaced = Wait-Until -TimeoutSeconds 30 {
            $ids = @($Pool.WorkerProcessIds)
            $ids.Count -eq 2 -and $ids -notcontains $DeadProcessId
        }
        $replaced | Should -BeTrue -Because "the pool should have 2 live workers other than $DeadProcessId (it has $(@($Pool.WorkerProcessIds) -join ', '))"
        Test-ProcessAlive -ProcessId $DeadProcessId | Should -BeFalse
        $Pool.State | Should -Be 'Running'
        1..6 | Invoke-ProcessPoolMap -Pool $Pool { $_ + 100 } | Should -Be @(101, 102, 103, 104, 105, 106)
    }

    # Kills, from outside, the process whose id an item writes to $Path ("<pid>;"), once it appears.
    # Returns the started killer; EndInvoke gives the killed pid (0 when none appeared in time).
    function Start-PidFileKiller {
        param([string] $Path)

        $killer = [powershell]::Create()
        $null = $killer.AddScript({
            param($Path)
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($true) {
                $text = if (Test-Path -LiteralPath $Path) { Get-Content -LiteralPath $Path -Raw -ErrorAction SilentlyContinue }
                if ($text -match '^(\d+);') {
                    break
                }
                if ([DateTime]::UtcNow -gt $deadline) {
                    return 0
                }
                Start-Sleep -Milliseconds 50
            }
            # The item is now in its long sleep.
            Start-Sleep -Milliseconds 300
            $id = [int] $Matches[1]
            Stop-Process -Id $id -Force
            $id
        }).AddArgument($Path)
        [pscustomobject]@{ Instance = $killer; Async = $killer.BeginInvoke() }
    }

    function Complete-PidFileKiller {
        param($Killer)

        try {
            $result = @($Killer.Instance.EndInvoke($Killer.Async))
            if ($result.Count -gt 0) { [int] $result[-1] } else { 0 }
        }
        finally {
            $Killer.Instance.Dispose()
        }
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Reliability: a pool worker dies while it runs an item' {
    Context 'Invoke-ProcessPoolMap, the item ends its own worker' {
        It 'with <Name>: one WorkerCrashed error for that item, every other result once and in order, and the worker is replaced' -ForEach @(
            @{ Name = 'exit 5'; Body = 'exit 5'; Status = '5' }
            @{ Name = '[Environment]::Exit(6)'; Body = '[Environment]::Exit(6)'; Status = '6' }
            @{ Name = "[Environment]::FailFast('x')"; Body = "[Environment]::FailFast('x')"; Status = $null }
        ) {
            $before = @($script:pool.WorkerProcessIds)
            # Chunks of 3: item 4 finishes before 5 kills its worker; 6, queued on it, runs elsewhere.
            $script = [scriptblock]::Create("if (`$_ -eq 5) { $Body }`n`$_ * 10")

            $results = 1..12 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 3 $script -ErrorVariable failures -ErrorAction SilentlyContinue 6>$null

            $results | Should -Be @(10, 20, 30, 40, 60, 70, 80, 90, 100, 110, 120)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed,*'
            $failures[0].CategoryInfo.Category | Should -Be 'OperationStopped'
            $failures[0].TargetObject | Should -Be 5
            if ($Status) {
                $failures[0].Exception.Message | Should -Match "exit status $Status\b"
            }
            else {
                $failures[0].Exception.Message | Should -Match 'exit status -?\d+'
            }

            $dead = Get-CrashedProcessId $failures[0]
            $before | Should -Contain $dead
            Assert-PoolRecovered -Pool $script:pool -DeadProcessId $dead
        }
    }

    Context 'Invoke-ProcessPoolMap, the worker is killed from outside' {
        It 'kill -9 of the worker running an item: one WorkerCrashed error for it, every other result once and in order, and the worker is replaced' {
            $pidFile = Join-Path $TestDrive 'map-busy.pid'
            $killer = Start-PidFileKiller -Path $pidFile
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            try {
                $results = 1..8 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                    if ($_ -eq 3) {
                        [System.IO.File]::WriteAllText($using:pidFile, "$PID;")
                        Start-Sleep -Seconds 30
                    }
                    $_ * 10
                } -ErrorVariable failures -ErrorAction SilentlyContinue
            }
            finally {
                $killed = Complete-PidFileKiller $killer
            }
            $stopwatch.Stop()

            $killed | Should -BeGreaterThan 0 -Because 'the item should have written its worker''s pid'
            $results | Should -Be @(10, 20, 40, 50, 60, 70, 80)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed,*'
            $failures[0].CategoryInfo.Category | Should -Be 'OperationStopped'
            $failures[0].TargetObject | Should -Be 3
            $failures[0].Exception.Message | Should -Match 'exit status -?\d+'
            Get-CrashedProcessId $failures[0] | Should -Be $killed
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'the killed item should not be waited for'
            Assert-PoolRecovered -Pool $script:pool -DeadProcessId $killed
        }

        It 'the busy worker found from outside is one of the pool''s workers and a child of the session' {
            $pidFile = Join-Path $TestDrive 'map-busy-2.pid'
            $killer = Start-PidFileKiller -Path $pidFile
            try {
                $results = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                    if ($_ -eq 1) {
                        [System.IO.File]::WriteAllText($using:pidFile, "$PID;")
                        Start-Sleep -Seconds 30
                    }
                    $_
                } -ErrorVariable failures -ErrorAction SilentlyContinue
            }
            finally {
                $killed = Complete-PidFileKiller $killer
            }

            $killed | Should -BeGreaterThan 0
            $results | Should -Be @(2, 3, 4)
            $failures | Should -HaveCount 1
            $failures[0].TargetObject | Should -Be 1
            Assert-PoolRecovered -Pool $script:pool -DeadProcessId $killed
            @(Get-WorkerChildProcess).ProcessId | Should -Not -Contain $killed
            foreach ($id in $script:pool.WorkerProcessIds) {
                @(Get-WorkerChildProcess).ProcessId | Should -Contain $id
            }
        }
    }

    Context 'Invoke-ProcessPoolApply' {
        It 'a script that calls exit 7 gives WorkerCrashed with its exit status, and the worker is replaced' {
            $before = @($script:pool.WorkerProcessIds)

            Invoke-ProcessPoolApply -Pool $script:pool { exit 7 } -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed,*'
            $failures[0].CategoryInfo.Category | Should -Be 'OperationStopped'
            $failures[0].Exception.Message | Should -Match 'exit status 7\b'
            $dead = Get-CrashedProcessId $failures[0]
            $before | Should -Contain $dead
            Assert-PoolRecovered -Pool $script:pool -DeadProcessId $dead
        }

        It 'an -AsJob apply whose worker is killed from outside fails with WorkerCrashed, and the worker is replaced' {
            $pidFile = Join-Path $TestDrive 'apply-busy.pid'
            $killer = Start-PidFileKiller -Path $pidFile
            try {
                $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob -ArgumentList $pidFile {
                    param($Path)
                    [System.IO.File]::WriteAllText($Path, "$PID;")
                    Start-Sleep -Seconds 30
                    'not reached'
                }
                $null = Wait-Job -Job $job -Timeout 45
            }
            finally {
                $killed = Complete-PidFileKiller $killer
            }

            $killed | Should -BeGreaterThan 0
            $job.State | Should -Be 'Failed'
            $output = Receive-Job -Job $job -ErrorVariable received -ErrorAction SilentlyContinue
            $output | Should -BeNullOrEmpty
            # Receive-Job adds the failed job's JobStateInfo.Reason as a JobStateFailed error, as for any failed job.
            $failures = @($received | Where-Object { $_.FullyQualifiedErrorId -notlike 'JobStateFailed*' })
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed*'
            $failures[0].Exception.Message | Should -Match 'exit status -?\d+'
            $job.JobStateInfo.Reason.Message | Should -Be $failures[0].Exception.Message
            Remove-Job -Job $job -Force
            Assert-PoolRecovered -Pool $script:pool -DeadProcessId $killed
        }
    }

    Context 'a pool whose workers cannot start' {
        It 'a broken -InitializationScript: a map ends with the terminating error PoolStartFailed, and the pool stops starting workers' {
            $run = Invoke-Bounded -TimeoutSeconds 90 -Script {
                $pool = New-ProcessPool -ProcessCount 2 -InitializationScript { throw 'bad init' }
                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $caught = $null
                try {
                    $null = 1..4 | Invoke-ProcessPoolMap -Pool $pool { $_ }
                }
                catch {
                    $caught = $_
                }
                $seconds = $stopwatch.Elapsed.TotalSeconds

                # No respawn loop: once it has given up, the pool has no worker and starts none.
                $deadline = [DateTime]::UtcNow.AddSeconds(15)
                while (@($pool.WorkerProcessIds).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) {
                    Start-Sleep -Milliseconds 200
                }
                $settled = @($pool.WorkerProcessIds)
                $seen = [System.Collections.Generic.HashSet[int]]::new()
                for ($i = 0; $i -lt 15; $i++) {
                    foreach ($id in $pool.WorkerProcessIds) { $null = $seen.Add($id) }
                    Start-Sleep -Milliseconds 200
                }

                [pscustomobject]@{ Caught = $caught; Seconds = $seconds; Settled = $settled; StartedLater = @($seen) }
            }

            $run.Completed | Should -BeTrue -Because 'a pool that cannot start its workers must not hang a map'
            $result = $run.Output[-1]
            $result.Caught | Should -Not -BeNullOrEmpty -Because 'the map should end with a terminating error'
            $result.Caught.FullyQualifiedErrorId | Should -BeLike 'PoolStartFailed,*'
            $result.Caught.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $result.Caught.Exception.Message | Should -BeLike '*bad init*'
            $result.Seconds | Should -BeLessThan 60
            $result.Settled | Should -BeNullOrEmpty -Because 'the pool should have stopped starting workers'
            $result.StartedLater | Should -BeNullOrEmpty -Because 'no worker should be started after the pool gave up'
        }

        It 'a map started after the pool gave up also ends with PoolStartFailed instead of waiting for ever' {
            $run = Invoke-Bounded -TimeoutSeconds 40 -Script {
                $pool = New-ProcessPool -ProcessCount 2 -InitializationScript { throw 'bad init' }
                # Let the pool give up before any map is registered.
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                $quiet = 0
                while ($quiet -lt 10 -and [DateTime]::UtcNow -lt $deadline) {
                    $quiet = if (@($pool.WorkerProcessIds).Count -eq 0) { $quiet + 1 } else { 0 }
                    Start-Sleep -Milliseconds 200
                }

                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $caught = $null
                try {
                    $null = 1..4 | Invoke-ProcessPoolMap -Pool $pool { $_ }
                }
                catch {
                    $caught = $_
                }
                [pscustomobject]@{ Caught = $caught; Seconds = $stopwatch.Elapsed.TotalSeconds }
            }

            $run.Completed | Should -BeTrue -Because 'a map on a pool that gave up starting workers must not wait for ever'
            $result = $run.Output[-1]
            $result.Caught | Should -Not -BeNullOrEmpty
            $result.Caught.FullyQualifiedErrorId | Should -BeLike 'PoolStartFailed,*'
        }
    }
}

Describe 'Reliability: items that run past -TimeoutSeconds under load' {
    It '40 items on a pool of 2, 3 of them hung: every other item gives its result, each hung one OperationTimeout, well under a minute' {
        $run = Invoke-Bounded -TimeoutSeconds 150 -Script {
            $pool = New-ProcessPool -ProcessCount 2
            $null = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { $_ }
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $results = 1..40 | Invoke-ProcessPoolMap -Pool $pool -TimeoutSeconds 3 {
                if ($_ -in 5, 17, 30) { Start-Sleep -Seconds 600 }
                $_
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $seconds = $stopwatch.Elapsed.TotalSeconds

            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@($pool.WorkerProcessIds).Count -ne 2 -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 200
            }
            [pscustomobject]@{
                Results  = @($results)
                Failures = @($failures)
                Seconds  = $seconds
                Workers  = @($pool.WorkerProcessIds)
                After    = @(1..4 | Invoke-ProcessPoolMap -Pool $pool { $_ * 2 })
            }
        }

        $run.Completed | Should -BeTrue -Because 'hung items must be cut off by -TimeoutSeconds'
        $result = $run.Output[-1]
        Write-Host ("    40 items, 3 hung, -TimeoutSeconds 3: {0:N1} s" -f $result.Seconds)
        $result.Results | Should -Be @(1..40 | Where-Object { $_ -notin 5, 17, 30 })
        $result.Failures | Should -HaveCount 3
        foreach ($failure in $result.Failures) {
            $failure.FullyQualifiedErrorId | Should -BeLike 'OperationTimeout,*'
            $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
        }
        @($result.Failures.TargetObject | Sort-Object) | Should -Be @(5, 17, 30)
        $result.Seconds | Should -BeLessThan 60
        $result.Workers | Should -HaveCount 2
        $result.After | Should -Be @(2, 4, 6, 8)
    }
}

Describe 'Reliability: a worker''s slow start is not an item''s time' {
    It 'a worker whose engine starts slower than -TimeoutSeconds runs its first item without a timeout' {
        # A busy machine makes a fresh worker's first compiles take seconds. Here the worker's first
        # pipeline after its initialization script sleeps 8 s instead (a breakpoint that script sets,
        # fired once), without a warm spare, so every worker the pool starts is slow to start. Each
        # item's -TimeoutSeconds must count from when a worker takes it, not from a start it waits
        # behind: otherwise every item times out and each replacement is as slow as the last.
        $run = Invoke-Bounded -TimeoutSeconds 150 -Script {
            $pool = New-ProcessPool -ProcessCount 1 -InitializationScript {
                $global:slowStart = $true
                $null = Set-PSBreakpoint -Variable __pcFeed -Mode Read -Action {
                    if ($global:slowStart) {
                        $global:slowStart = $false
                        Get-PSBreakpoint | Remove-PSBreakpoint
                        Start-Sleep -Seconds 8
                    }
                }
            }
            $results = 1..4 | Invoke-ProcessPoolMap -Pool $pool -TimeoutSeconds 4 { $_ * 10 } -ErrorVariable failures -ErrorAction SilentlyContinue
            [pscustomobject]@{ Results = @($results); Failures = @($failures) }
        }

        $run.Completed | Should -BeTrue
        $result = $run.Output[-1]
        @($result.Failures | ForEach-Object { "$($_.FullyQualifiedErrorId) ($($_.TargetObject))" }) | Should -BeNullOrEmpty
        $result.Results | Should -Be @(10, 20, 30, 40)
    }
}

Describe 'Reliability: cleanup' {
    It 'leaves no worker process behind' {
        Assert-NoWorkerLeft
    }
}
