#Requires -Version 7.0
# Q5. Create a pool of worker processes; use map, apply and starmap; then close and join it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Q5: a pool with map, apply and starmap' {
    BeforeAll {
        function global:WorkerFunction($x) { $x * $x }
        function global:Multiply($a, $b) { $a * $b }
        $script:pool = New-ProcessPool -ProcessCount 4
        $script:workerPids = @($script:pool.WorkerProcessIds)
    }

    AfterAll {
        Remove-Item -Path function:global:WorkerFunction, function:global:Multiply -ErrorAction SilentlyContinue
    }

    It 'maps worker_function over 1..5' {
        1..5 | Invoke-ProcessPoolMap -Pool $script:pool { WorkerFunction $_ } | Should -Be @(1, 4, 9, 16, 25)
    }

    It 'maps a script block with a param block over 1..5' {
        1..5 | Invoke-ProcessPoolMap -Pool $script:pool { param($x) $x * $x } | Should -Be @(1, 4, 9, 16, 25)
    }

    It 'applies the session function once' {
        Invoke-ProcessPoolApply -Pool $script:pool -ArgumentList 7 { param($x) WorkerFunction $x } | Should -Be 49
    }

    It 'starmaps pairs of arguments with -Splat' {
        @(1, 2), @(3, 4) | Invoke-ProcessPoolMap -Pool $script:pool -Splat { param($a, $b) Multiply $a $b } |
            Should -Be @(2, 12)
    }

    It 'closes and joins the pool with Remove-ProcessPool' {
        Remove-ProcessPool -Pool $script:pool

        $script:pool.State | Should -BeIn @('Closed', 'Terminated')
        Get-ProcessPool | Where-Object Name -eq $script:pool.Name | Should -BeNullOrEmpty
        Wait-Until -TimeoutSeconds 10 {
            -not ($script:workerPids | Where-Object { Test-ProcessAlive -ProcessId $_ })
        } | Should -BeTrue
        { 1 | Invoke-ProcessPoolMap -Pool $script:pool { $_ } } | Should -Throw -ErrorId 'PoolRemoved,*'
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
