#Requires -Version 7.0
# New-ProcessSemaphore [multiprocessing.Semaphore]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessSemaphore' {
    AfterEach {
        Clear-TestWorker
    }

    It 'admits two holders at once when made with a count of 2' {
        $semaphore = New-ProcessSemaphore 2
        $semaphore | Should -BeOfType ([ProcCmdlets.ProcessSemaphore])
        $inside = New-ProcessValue 0
        $most = New-ProcessValue 0
        $workers = 1..4 | ForEach-Object {
            Start-WorkerProcess -ArgumentList $semaphore, $inside, $most {
                param($s, $inside, $most)
                for ($i = 0; $i -lt 3; $i++) {
                    $s.Acquire()
                    try {
                        $now = $inside.Add(1)
                        do { $seen = $most.Value } while ($now -gt $seen -and $most.CompareExchange($now, $seen) -ne $seen)
                        Start-Sleep -Milliseconds 100
                        $null = $inside.Add(-1)
                    }
                    finally { $s.Release() }
                }
            }
        }
        $null = Wait-WorkerProcess -Worker $workers -Timeout 90
        $workers.State | Should -Be @('Completed', 'Completed', 'Completed', 'Completed')
        $most.Value | Should -Be 2
        $inside.Value | Should -Be 0
    }

    It 'returns $false from Acquire when no slot frees in time, and gives back what an ended worker held' {
        $semaphore = New-ProcessSemaphore -Count 2
        $worker = Start-WorkerProcess -ArgumentList $semaphore { param($s) $s.Acquire(); $s.Acquire(); 'holding'; Start-Sleep -Seconds 60 }
        Wait-Until -TimeoutSeconds 60 { $worker.HasMoreData } | Should -BeTrue
        $semaphore.Acquire(0.3) | Should -BeFalse
        Stop-WorkerProcess -Worker $worker -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $semaphore.Acquire(15) | Should -BeTrue
        $semaphore.Acquire(15) | Should -BeTrue
        $semaphore.Acquire(0) | Should -BeFalse
    }
}
