#Requires -Version 7.0
# Reliability: a pool worker that stops answering (SIGSTOP, as a debugger or a frozen machine would)
# must not hold up the pool's other workers, its timeouts or its removal.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Reliability: a stopped worker (Unix: SIGSTOP)' -Skip:($IsWindows) {
    It 'a map of large items with -TimeoutSeconds finishes: the stopped worker''s item times out, the rest run elsewhere, the pool heals' {
        $pool = New-ProcessPool -ProcessCount 2 -Name 'StoppedWorkerPool'
        try {
            $null = Wait-ProcessPoolReady -Pool $pool
            $stopped = @($pool.WorkerProcessIds)[0]
            & kill -STOP $stopped

            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $items = 1..60 | ForEach-Object { "$_" + ('y' * 200000) }
            $results = $items |
                Invoke-ProcessPoolMap -Pool $pool -TimeoutSeconds 3 { $_.Length } -ErrorVariable failures -ErrorAction SilentlyContinue
            $clock.Stop()
            Write-Host ("    60 items, one worker stopped, -TimeoutSeconds 3: {0:N1} s" -f $clock.Elapsed.TotalSeconds)

            $clock.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'a stopped worker must not hold the map past its timeouts'
            @($failures).Count | Should -BeLessOrEqual 1 -Because 'only the item due on the stopped worker may time out'
            $failures | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'OperationTimeout*' }
            (@($results).Count + @($failures).Count) | Should -Be 60
            $timedOut = @($failures | ForEach-Object TargetObject)
            $expected = $items | Where-Object { $timedOut -notcontains $_ } | ForEach-Object Length
            @($results) | Should -Be @($expected) -Because 'the other items run elsewhere, in input order'

            $healed = Wait-Until -TimeoutSeconds 30 { $ids = @($pool.WorkerProcessIds); $ids.Count -eq 2 -and $ids -notcontains $stopped }
            $healed | Should -BeTrue -Because "the pool should replace the stopped worker $stopped"
            1..4 | Invoke-ProcessPoolMap -Pool $pool { $_ * 2 } | Should -Be 2, 4, 6, 8
        }
        finally {
            Remove-ProcessPool -Pool $pool -Force
        }
    }

    It 'Remove-ProcessPool returns while a worker is stopped, and no worker is left' {
        $pool = New-ProcessPool -ProcessCount 2 -Name 'StoppedRemovePool'
        $null = Wait-ProcessPoolReady -Pool $pool
        $stopped = @($pool.WorkerProcessIds)[0]
        & kill -STOP $stopped

        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        Remove-ProcessPool -Pool $pool
        $clock.Stop()
        Write-Host ("    Remove-ProcessPool with a stopped worker: {0:N1} s" -f $clock.Elapsed.TotalSeconds)

        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        $pool.State | Should -Be 'Closed'
        Wait-Until -TimeoutSeconds 15 { -not (Test-ProcessAlive -ProcessId $stopped) } | Should -BeTrue
    }
}
