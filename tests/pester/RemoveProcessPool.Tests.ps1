#Requires -Version 7.0
# Remove-ProcessPool [close(); join(), terminate()]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Remove-ProcessPool' {
    AfterEach {
        Clear-TestPool
    }

    Context 'closing' {
        It 'lets queued work finish, then ends the workers, and the pool is Closed' {
            $pool = New-ProcessPool -ProcessCount 1 -Name 'RemoveClose'
            $ids = @($pool.WorkerProcessIds)
            $job = Invoke-ProcessPoolApply -Pool $pool -AsJob { Start-Sleep -Seconds 2; 'finished' }

            Remove-ProcessPool -Pool $pool

            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Completed'
            Receive-Job -Job $job | Should -Be 'finished'
            $pool.State | Should -Be 'Closed'
            Wait-Until -TimeoutSeconds 10 { -not ($ids | Where-Object { Test-ProcessAlive -ProcessId $_ }) } | Should -BeTrue
        }

        It 'lets a running map finish all its items' {
            $pool = New-ProcessPool -ProcessCount 2 -Name 'RemoveMap'
            # The map runs in another runspace while this one removes the pool.
            $instance = New-ProcCmdletsPowerShell -NoWarmSpare
            try {
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $null = $instance.AddScript('param($Pool) 1..6 | Invoke-ProcessPoolMap -Pool $Pool -ChunkSize 1 { Start-Sleep -Milliseconds 500; $_ * 2 }').
                    AddArgument($pool)
                $async = $instance.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
                Wait-Until -TimeoutSeconds 30 { $output.Count -gt 0 } | Should -BeTrue

                Remove-ProcessPool -Pool $pool

                $null = $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60))
                $async.IsCompleted | Should -BeTrue
                @($output) | Should -Be @(2, 4, 6, 8, 10, 12)
                $instance.Streams.Error | Should -BeNullOrEmpty
            }
            finally {
                $instance.Runspace.Close()
                $instance.Dispose()
            }
            $pool.State | Should -Be 'Closed'
        }

        It 'takes pools from the pipeline and removes them from Get-ProcessPool' {
            $null = New-ProcessPool -ProcessCount 1 -Name 'RemovePipedA'
            $null = New-ProcessPool -ProcessCount 1 -Name 'RemovePipedB'

            Get-ProcessPool -Name 'RemovePiped*' | Remove-ProcessPool

            Get-ProcessPool -Name 'RemovePiped*' | Should -BeNullOrEmpty
        }
    }

    Context '-Force' {
        It 'ends the workers at once, and the pool is Terminated' {
            $pool = New-ProcessPool -ProcessCount 1 -Name 'RemoveForce'
            $ids = @($pool.WorkerProcessIds)
            $job = Invoke-ProcessPoolApply -Pool $pool -AsJob { Start-Sleep -Seconds 60; 'never' }
            Wait-Until -TimeoutSeconds 5 { $job.State -eq 'Running' } | Should -BeTrue

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            Remove-ProcessPool -Pool $pool -Force
            $stopwatch.Stop()

            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $pool.State | Should -Be 'Terminated'
            Wait-Until -TimeoutSeconds 10 { -not ($ids | Where-Object { Test-ProcessAlive -ProcessId $_ }) } | Should -BeTrue
            Wait-Until -TimeoutSeconds 10 { $job.State -ne 'Running' } | Should -BeTrue
            Receive-Job -Job $job -ErrorAction SilentlyContinue | Should -Not -Contain 'never'
        }
    }

    Context 'a removed pool' {
        BeforeAll {
            $script:closed = New-ProcessPool -ProcessCount 1 -Name 'RemovedPool'
            Remove-ProcessPool -Pool $script:closed
        }

        It 'is no longer listed by Get-ProcessPool' {
            Get-ProcessPool -Name 'RemovedPool' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $script:closed.WorkerProcessIds | Should -BeNullOrEmpty
        }

        It 'gives PoolRemoved to Invoke-ProcessPoolMap' {
            { 1..2 | Invoke-ProcessPoolMap -Pool $script:closed { $_ } } | Should -Throw -ErrorId 'PoolRemoved,*'
        }

        It 'gives PoolRemoved to Invoke-ProcessPoolApply' {
            { Invoke-ProcessPoolApply -Pool $script:closed { 1 } } | Should -Throw -ErrorId 'PoolRemoved,*'
        }

        It 'gives PoolRemoved to Invoke-ProcessPoolApply -AsJob' {
            { Invoke-ProcessPoolApply -Pool $script:closed -AsJob { 1 } } | Should -Throw -ErrorId 'PoolRemoved,*'
        }
    }

    Context 'the session' {
        It 'ends the pools of a runspace when the runspace closes' {
            $instance = New-ProcCmdletsPowerShell -NoWarmSpare
            try {
                $pool = $instance.AddScript('New-ProcessPool -ProcessCount 1 -Name InnerPool').Invoke()[0]
                $ids = @($pool.WorkerProcessIds)
                $ids | Should -HaveCount 1
                Test-ProcessAlive -ProcessId $ids[0] | Should -BeTrue

                $instance.Runspace.Close()

                Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $ids[0]) } | Should -BeTrue
                $pool.State | Should -Not -Be 'Running'
            }
            finally {
                $instance.Dispose()
            }
        }
    }

    Context 'Ctrl+C' {
        It 'stops waiting for queued work when the command is stopped, and ends the pool''s workers' {
            $instance = New-ProcCmdletsPowerShell -NoWarmSpare
            try {
                $pool = $instance.AddScript('New-ProcessPool -ProcessCount 1 -Name BusyPool').Invoke()[0]
                $instance.Commands.Clear()
                $ids = @($pool.WorkerProcessIds)
                $null = $instance.AddScript('$null = Invoke-ProcessPoolApply -Pool (Get-ProcessPool BusyPool) -AsJob { Start-Sleep -Seconds 120 }').Invoke()
                $instance.Commands.Clear()

                $null = $instance.AddScript('Remove-ProcessPool -Pool (Get-ProcessPool BusyPool)')
                $pending = $instance.BeginInvoke()
                Wait-Until -TimeoutSeconds 10 { $pool.State -ne 'Running' } | Should -BeTrue -Because 'Remove-ProcessPool should be waiting for the busy worker'
                $pending.IsCompleted | Should -BeFalse

                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $instance.Stop()
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
                $pool.State | Should -Be 'Terminated'
                Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $ids[0]) } | Should -BeTrue
            }
            finally {
                $instance.Dispose()
            }
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
