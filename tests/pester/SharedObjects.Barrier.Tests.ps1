#Requires -Version 7.0
# New-ProcessBarrier [multiprocessing.Barrier]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessBarrier' {
    AfterEach {
        Clear-TestWorker
    }

    It 'holds two workers until the third party, the session, waits too' {
        $barrier = New-ProcessBarrier 3
        $barrier | Should -BeOfType ([ProcCmdlets.ProcessBarrier])
        $barrier.Parties | Should -Be 3
        $passed = New-ProcessQueue
        $workers = 1..2 | ForEach-Object {
            Start-WorkerProcess -ArgumentList $barrier, $passed, $_ { param($b, $q, $n) $b.Wait(); $q.Put($n) }
        }
        Get-ThrownType { $passed.Get(1) } | Should -Be 'System.TimeoutException'
        $barrier.Wait(60)
        @($passed.Get(60), $passed.Get(60)) | Sort-Object | Should -Be @(1, 2)
        $null = Wait-WorkerProcess -Worker $workers -Timeout 60
    }

    It 'starts a new round after each, and times out a wait that stays short of the parties' {
        $barrier = New-ProcessBarrier -Parties 2
        $worker = Start-WorkerProcess -ArgumentList $barrier { param($b) for ($i = 0; $i -lt 3; $i++) { $b.Wait(60) }; 'three rounds' }
        for ($i = 0; $i -lt 3; $i++) { $barrier.Wait(60) }
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'three rounds'
        Get-ThrownType { $barrier.Wait(0.2) } | Should -Be 'System.TimeoutException'
    }
}
