#Requires -Version 7.0
# Q4. What is a process pool and why is it used? (Pool(processes=4).map(square, [1, 2, 3, 4, 5]))

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Q4: a pool maps a function over many values' {
    Context 'a pool of four workers' {
        BeforeAll {
            $script:pool = New-ProcessPool -ProcessCount 4
        }

        AfterAll {
            Remove-ProcessPool -Pool $script:pool
        }

        It 'has four worker processes' {
            $script:pool.ProcessCount | Should -Be 4
            $script:pool.WorkerProcessIds | Should -HaveCount 4
        }

        It 'maps the session function Square over 1..5, as pool.map(square, [1, 2, 3, 4, 5])' {
            function Square($x) { $x * $x }

            1..5 | Invoke-ProcessPoolMap { Square $_ } -Pool $script:pool | Should -Be @(1, 4, 9, 16, 25)
        }

        It 'squares 1..5 with $_' {
            1..5 | Invoke-ProcessPoolMap { $_ * $_ } -Pool $script:pool | Should -Be @(1, 4, 9, 16, 25)
        }

        It 'squares 1..5 with a param block' {
            $square = { param($x) $x * $x }

            Invoke-ProcessPoolMap -ScriptBlock $square -InputObject @(1, 2, 3, 4, 5) -Pool $script:pool |
                Should -Be @(1, 4, 9, 16, 25)
        }

        It 'reuses its workers for the next map' {
            $pids = 1..8 | Invoke-ProcessPoolMap { $PID } -Pool $script:pool

            foreach ($id in $pids) {
                $script:pool.WorkerProcessIds | Should -Contain $id
            }
        }
    }

    Context 'a temporary pool' {
        It 'squares 1..5 on a temporary pool of four workers and removes it after' {
            function Square($x) { $x * $x }
            $poolsBefore = @(Get-ProcessPool).Count

            1..5 | Invoke-ProcessPoolMap { Square $_ } -ProcessCount 4 | Should -Be @(1, 4, 9, 16, 25)

            @(Get-ProcessPool).Count | Should -Be $poolsBefore
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
