#Requires -Version 7.0
# New-ProcessEvent [multiprocessing.Event]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessEvent' {
    AfterEach {
        Clear-TestWorker
    }

    It 'is clear when made, and Set, Clear and IsSet work in the session' {
        $event = New-ProcessEvent
        $event | Should -BeOfType ([ProcCmdlets.ProcessEvent])
        $event.IsSet | Should -BeFalse
        $event.Wait(0.1) | Should -BeFalse
        $event.Set()
        $event.IsSet | Should -BeTrue
        $event.Wait(0) | Should -BeTrue
        $event.Clear()
        $event.IsSet | Should -BeFalse
    }

    It 'releases a waiting worker when set' {
        $event = New-ProcessEvent
        $worker = Start-WorkerProcess -ArgumentList $event { param($e) 'waiting'; $e.Wait(); 'released' }
        Wait-Until -TimeoutSeconds 60 { $worker.HasMoreData } | Should -BeTrue
        Start-Sleep -Milliseconds 300
        $worker.State | Should -Be 'Running'
        $event.Set()
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be @('waiting', 'released')
    }

    It 'returns $false from a worker Wait that times out' {
        $event = New-ProcessEvent
        $worker = Start-WorkerProcess -ArgumentList $event { param($e) $e.Wait(0.3) }
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -BeFalse
    }

    It 'lets a worker stop others with a flag' {
        $stop = New-ProcessEvent
        $worker = Start-WorkerProcess -ArgumentList $stop { param($e) $n = 0; 'looping'; while (-not $e.IsSet) { $n++; Start-Sleep -Milliseconds 20 }; 'stopped' }
        # Set once the worker is in its loop (its first output), not after a guess at its start time.
        Wait-Until -TimeoutSeconds 60 { $worker.HasMoreData } | Should -BeTrue
        $stop.Set()
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be @('looping', 'stopped')
    }
}
