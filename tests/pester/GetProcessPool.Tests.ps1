#Requires -Version 7.0
# Get-ProcessPool

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    Get-ProcessPool | Remove-ProcessPool -Force

    $script:alpha = New-ProcessPool -ProcessCount 1 -Name 'GetPoolAlpha'
    $script:beta = New-ProcessPool -ProcessCount 1 -Name 'GetPoolBeta' -MaxTasksPerWorker 10
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Get-ProcessPool' {
    Context 'listing' {
        It 'lists the session''s pools' {
            $pools = @(Get-ProcessPool)

            $pools | Should -HaveCount 2
            $pools.Name | Sort-Object | Should -Be @('GetPoolAlpha', 'GetPoolBeta')
            $pools | ForEach-Object { $_ | Should -BeOfType ([ProcCmdlets.ProcessPool]) }
        }

        It 'gets a pool by name' {
            $found = Get-ProcessPool -Name 'GetPoolBeta'

            $found | Should -HaveCount 1
            $found.ProcessCount | Should -Be 1
            $found.MaxTasksPerWorker | Should -Be 10
            $found.State | Should -Be 'Running'
            [object]::ReferenceEquals($found, $script:beta) | Should -BeTrue
        }

        It 'takes the name as the first positional parameter, case-insensitively' {
            (Get-ProcessPool 'getpoolalpha').Name | Should -Be 'GetPoolAlpha'
        }

        It 'gets pools by wildcard' {
            @(Get-ProcessPool -Name 'GetPool*') | Should -HaveCount 2
            (Get-ProcessPool -Name '*Alp*').Name | Should -Be 'GetPoolAlpha'
        }

        It 'shows the pool''s current worker process ids and completed tasks' {
            $null = 1..3 | Invoke-ProcessPoolMap -Pool $script:alpha { $_ }

            $found = Get-ProcessPool -Name 'GetPoolAlpha'
            $found.WorkerProcessIds | Should -HaveCount 1
            $found.WorkerProcessIds | Should -Not -Contain $PID
            $found.TasksCompleted | Should -BeGreaterOrEqual 3
        }

        It 'does not list a removed pool' {
            $temporary = New-ProcessPool -ProcessCount 1 -Name 'GetPoolGone'
            Remove-ProcessPool -Pool $temporary

            (Get-ProcessPool).Name | Should -Not -Contain 'GetPoolGone'
            @(Get-ProcessPool) | Should -HaveCount 2
        }
    }

    Context 'errors' {
        It 'gives PoolNotFound for a name without wildcards that matches no pool' {
            $found = Get-ProcessPool -Name 'NoSuchPool' -ErrorVariable failures -ErrorAction SilentlyContinue

            $found | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'PoolNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'gives nothing and no error for a wildcard that matches no pool' {
            Get-ProcessPool -Name 'NoSuchPool*' -ErrorVariable failures | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }
    }

    Context 'no pools' {
        It 'gives nothing and no error when the session has no pool' {
            Get-ProcessPool | Remove-ProcessPool -Force

            Get-ProcessPool -ErrorVariable failures | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
