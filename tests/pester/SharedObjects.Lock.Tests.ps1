#Requires -Version 7.0
# New-ProcessLock [multiprocessing.Lock]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessLock' {
    AfterEach {
        Clear-TestWorker
    }

    It 'lets four workers increment a value under the lock without losing an update' {
        $lock = New-ProcessLock
        $lock | Should -BeOfType ([ProcCmdlets.ProcessLock])
        $counter = New-ProcessValue 0
        $pool = New-ProcessPool -ProcessCount 4
        try {
            $null = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                $l = $using:lock; $c = $using:counter
                for ($i = 0; $i -lt 100; $i++) {
                    $l.Acquire()
                    try { $c.Value = $c.Value + 1 } finally { $l.Release() }
                }
            }
        }
        finally {
            Remove-ProcessPool -Pool $pool -Force
        }

        $counter.Value | Should -Be 400
    }

    It 'returns $false from Acquire when the lock stays held past the timeout' {
        $lock = New-ProcessLock
        $held = New-ProcessEvent
        $worker = Start-WorkerProcess -ArgumentList $lock, $held { param($l, $e) $l.Acquire(); $e.Set(); Start-Sleep -Seconds 60 }
        $held.Wait(60) | Should -BeTrue
        $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
        $lock.Acquire(0.5) | Should -BeFalse
        $stopwatch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.4
        Stop-WorkerProcess -Worker $worker -Force
    }

    It 'releases the lock of a holder that ends, with a warning naming the worker' {
        $lock = New-ProcessLock
        $worker = Start-WorkerProcess -ArgumentList $lock { param($l) $l.Acquire(); 'held'; exit 3 }
        $null = Wait-WorkerProcess -Worker $worker -Timeout 60 -WarningVariable warnings -WarningAction SilentlyContinue
        $lock.Acquire(10) | Should -BeTrue
        $lock.Release()
        ($warnings.Message -join "`n") | Should -Match "worker process $($worker.ProcessId)"
    }

    It 'puts the warning about a dead holder in the warning stream of an -AsJob map' {
        $lock = New-ProcessLock
        $pool = New-ProcessPool -ProcessCount 1
        try {
            # Item 2 runs in the worker that replaces item 1's, once the dead holder's lock is released.
            $job = 1, 2 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 -AsJob {
                $l = $using:lock
                if ($_ -eq 1) { $l.Acquire(); [Environment]::Exit(3) }
                if ($l.Acquire(60)) { $l.Release(); 'acquired' }
            }
            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Completed'
            Receive-Job -Job $job -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue |
                Should -Be 'acquired'
            ($warnings.Message -join "`n") | Should -Match 'worker process \d+'
            Remove-Job -Job $job
        }
        finally {
            Remove-ProcessPool -Pool $pool -Force -WarningAction SilentlyContinue
        }
    }

    It 'releases the lock of a holder that is killed' {
        $lock = New-ProcessLock
        $held = New-ProcessEvent
        $worker = Start-WorkerProcess -ArgumentList $lock, $held { param($l, $e) $l.Acquire(); $e.Set(); Start-Sleep -Seconds 60 }
        $held.Wait(60) | Should -BeTrue
        $lock.Acquire(0) | Should -BeFalse
        Stop-Process -Id $worker.ProcessId -Force
        $lock.Acquire(15) | Should -BeTrue
        $lock.Release()
    }

    It 'lets only the holder release it' {
        $lock = New-ProcessLock
        Get-ThrownType { $lock.Release() } | Should -Be 'System.InvalidOperationException'
        $lock.Acquire()
        $other = Start-ThreadJob { try { ($using:lock).Release(); 'released' } catch { $_.Exception.GetBaseException().GetType().Name } }
        $other | Wait-Job -Timeout 60 | Receive-Job | Should -Be 'InvalidOperationException'
        $worker = Start-WorkerProcess -ArgumentList $lock {
            param($l)
            try { $l.Release(); 'released' } catch { $_.Exception.GetBaseException().GetType().Name }
        }
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'InvalidOperationException'
        $lock.Release()
        $lock.Acquire(0) | Should -BeTrue
        $lock.Release()
    }

    It 'hands the lock from the session to a waiting worker' {
        $lock = New-ProcessLock
        $lock.Acquire()
        $worker = Start-WorkerProcess -ArgumentList $lock { param($l) $l.Acquire(); 'got it'; $l.Release() }
        Start-Sleep -Milliseconds 500
        $worker.HasMoreData | Should -BeFalse
        $lock.Release()
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'got it'
    }
}
