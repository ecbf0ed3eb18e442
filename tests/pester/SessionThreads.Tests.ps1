#Requires -Version 7.0
# The session's threads do not grow with its workers (docs/architecture.md, "Threads and the pool's
# lock"): a worker's channel and console are read, and its frames written, asynchronously, so a
# warm pool of 64 local workers adds at most 16 threads to the session (issue 21's target). On
# Windows that holds because local workers start on overlapped pipes (Transport/WindowsChildProcess.cs):
# with Process.Start's synchronous pipes, 24 workers under Wine added 47 threads.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest

    function Get-SessionThreadCount {
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        (Get-Process -Id $PID).Threads.Count
    }
}

AfterAll {
    Assert-NoWorkerLeft -TimeoutSeconds 120
}

Describe 'Session threads' {
    It 'a warm pool of 64 local workers adds at most 16 threads to the session, and all its workers exit when it is removed' {
        # The engine's and the module's own threads first, so that only the pool's are counted.
        $null = 1..2 | Invoke-ProcessPoolMap -ProcessCount 1 { $_ }
        $before = Get-SessionThreadCount

        $pool = New-ProcessPool -ProcessCount 64 -Name 'SessionThreadsPool'
        try {
            # 64 engines starting on a loaded 2-core machine take minutes.
            Wait-ProcessPoolReady -Pool $pool -TimeoutSeconds 1200 | Should -BeTrue -Because 'all 64 workers should start and run an item'
            1..640 | Invoke-ProcessPoolMap -Pool $pool { $_ * 2 } | Measure-Object -Sum | ForEach-Object Sum | Should -Be (640 * 641)
            $workers = @($pool.WorkerProcessIds)
            $workers.Count | Should -Be 64

            $added = (Get-SessionThreadCount) - $before
            Write-Host "    64 warm workers: $added threads added to the session ($before before)"
            $added | Should -BeLessOrEqual 16 -Because 'channel I/O holds no thread per worker'
        }
        finally {
            Remove-ProcessPool -Pool $pool
        }

        $gone = Wait-Until -TimeoutSeconds 300 -IntervalMilliseconds 500 { @($workers | Where-Object { Test-ProcessAlive -ProcessId $_ }).Count -eq 0 }
        $gone | Should -BeTrue -Because 'every worker of a removed pool exits'
    }
}
