#Requires -Version 7.0
# New-ProcessPool [Pool(processes, initializer, initargs, maxtasksperchild)]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessPool' {
    Context 'a pool with the default process count' {
        BeforeAll {
            $script:pool = New-ProcessPool
        }

        AfterAll {
            Remove-ProcessPool -Pool $script:pool -Force
        }

        It 'returns a running ProcessPool' {
            $script:pool | Should -BeOfType ([ProcCmdlets.ProcessPool])
            $script:pool | Should -BeOfType ([System.IDisposable])
            $script:pool.State | Should -Be 'Running'
            $script:pool.Name | Should -Not -BeNullOrEmpty
            $script:pool.TasksCompleted | Should -Be 0
        }

        It 'has one worker per logical processor' {
            $script:pool.ProcessCount | Should -Be ([Environment]::ProcessorCount)
            $script:pool.WorkerProcessIds | Should -HaveCount ([Environment]::ProcessorCount)
        }

        It 'has distinct worker process ids, none of them the session''s' {
            $ids = @($script:pool.WorkerProcessIds)

            @($ids | Select-Object -Unique) | Should -HaveCount $ids.Count
            $ids | Should -Not -Contain $PID
            foreach ($id in $ids) {
                Test-ProcessAlive -ProcessId $id | Should -BeTrue
            }
        }

        It 'runs its items in its workers' {
            $pids = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool { $PID }

            foreach ($id in $pids) {
                $script:pool.WorkerProcessIds | Should -Contain $id
            }
            $script:pool.TasksCompleted | Should -BeGreaterOrEqual 4
        }

        It 'is listed by Get-ProcessPool' {
            (Get-ProcessPool -Name $script:pool.Name).Name | Should -Be $script:pool.Name
        }
    }

    Context 'parameters' {
        AfterEach {
            Get-ProcessPool | Remove-ProcessPool -Force
        }

        It 'defines -Function functions in every worker, for every task' {
            function Get-PoolHelper { 'helper' }
            $pool = New-ProcessPool 1 -Function Get-PoolHelper

            Invoke-ProcessPoolApply -Pool $pool { & ('Get-' + 'PoolHelper') } | Should -Be 'helper'
        }

        It 'takes the process count as the first positional parameter and the name from -Name' {
            $pool = New-ProcessPool 1 -Name 'NewPoolNamed'

            $pool.ProcessCount | Should -Be 1
            $pool.Name | Should -Be 'NewPoolNamed'
            $pool.WorkerProcessIds | Should -HaveCount 1
        }

        It 'refuses a ProcessCount of <Count> at parameter binding' -ForEach @(
            @{ Count = 0 }
            @{ Count = -1 }
        ) {
            $before = @(Get-ProcessPool).Count

            { New-ProcessPool -ProcessCount $Count } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
            @(Get-ProcessPool).Count | Should -Be $before
        }

        It 'runs -InitializationScript with -InitializationArgumentList once in each worker, visible to every task' {
            $pool = New-ProcessPool -ProcessCount 2 -InitializationArgumentList 'prefix', 10 -InitializationScript {
                param($Prefix, $Offset)
                $global:initRuns = 1 + [int] $global:initRuns
                $global:offset = $Offset
                function Format-Item($Value) { "$Prefix-$($Value + $global:offset)" }
            }

            $results = 1..6 | Invoke-ProcessPoolMap -Pool $pool { "$(Format-Item $_)/$global:initRuns" }

            $results | Should -Be @('prefix-11/1', 'prefix-12/1', 'prefix-13/1', 'prefix-14/1', 'prefix-15/1', 'prefix-16/1')
        }

        It 'leaves nothing of its idle warm-up where tasks can see it' {
            $pool = New-ProcessPool -ProcessCount 1 -InitializationScript { $global:fromInit = 'kept' }
            $worker = $pool.WorkerProcessIds[0]
            # An idle worker warms up after its start; it is over when its CPU time stops moving.
            $state = @{ Last = -1.0 }
            $null = Wait-Until -TimeoutSeconds 60 -IntervalMilliseconds 700 {
                $now = (Get-Process -Id $worker).TotalProcessorTime.TotalMilliseconds
                $quiet = $now -eq $state.Last
                $state.Last = $now
                $quiet
            }

            $seen = 1 | Invoke-ProcessPoolMap -Pool $pool {
                $errors = @($global:Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
                [pscustomobject]@{
                    Variables = @(Get-Variable -Scope Global -Name s, t, i, j, k, x -ErrorAction Ignore).Count
                    Errors    = $errors
                    FromInit  = $global:fromInit
                }
            }

            $seen.Variables | Should -Be 0
            $seen.Errors | Should -BeNullOrEmpty
            $seen.FromInit | Should -Be 'kept'
            $pool.TasksCompleted | Should -Be 1
        }

        It 'replaces a worker after -MaxTasksPerWorker items' {
            $pool = New-ProcessPool -ProcessCount 2 -MaxTasksPerWorker 2

            $pool.MaxTasksPerWorker | Should -Be 2
            $pids = 1..6 | Invoke-ProcessPoolMap -Pool $pool { Start-Sleep -Milliseconds 100; $PID }

            $pids | Should -HaveCount 6
            @($pids | Sort-Object -Unique).Count | Should -BeGreaterThan 2
            $pids | Should -Not -Contain $PID
        }

        It 'starts the workers in the session''s current location' {
            $directory = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'pool dir')).FullName
            Push-Location -LiteralPath $directory
            try {
                $pool = New-ProcessPool -ProcessCount 1
            }
            finally {
                Pop-Location
            }

            Invoke-ProcessPoolApply -Pool $pool { (Get-Location).Path } | Should -Be $directory
        }

        It 'ends its workers at once when it is disposed' {
            $pool = New-ProcessPool -ProcessCount 1
            $ids = @($pool.WorkerProcessIds)

            $pool.Dispose()

            $pool.State | Should -Be 'Terminated'
            Wait-Until -TimeoutSeconds 10 { -not ($ids | Where-Object { Test-ProcessAlive -ProcessId $_ }) } | Should -BeTrue
        }
    }

    Context 'faults' {
        BeforeAll {
            $script:faultPool = New-ProcessPool -ProcessCount 2 -Name 'FaultPool'
        }

        AfterAll {
            Remove-ProcessPool -Pool $script:faultPool -Force
        }

        It 'replaces a worker killed from outside' {
            $killed = $script:faultPool.WorkerProcessIds[0]

            Stop-Process -Id $killed -Force

            Wait-Until -TimeoutSeconds 20 {
                $ids = @($script:faultPool.WorkerProcessIds)
                $ids.Count -eq 2 -and $ids -notcontains $killed
            } | Should -BeTrue
            1..4 | Invoke-ProcessPoolMap -Pool $script:faultPool { $_ * 2 } | Should -Be @(2, 4, 6, 8)
        }

        It 'gives WorkerCrashed for the item whose worker exits, and runs the others' {
            $results = 1..6 | Invoke-ProcessPoolMap -Pool $script:faultPool -ErrorVariable failures -ErrorAction SilentlyContinue {
                if ($_ -eq 3) { [Environment]::Exit(9) }
                $_
            }

            $results | Should -Be @(1, 2, 4, 5, 6)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed*'
            $failures[0].TargetObject | Should -Be 3
            $script:faultPool.State | Should -Be 'Running'
            Wait-Until -TimeoutSeconds 20 { @($script:faultPool.WorkerProcessIds).Count -eq 2 } | Should -BeTrue
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
