#Requires -Version 7.0
# Get-WorkerProcess [active_children()]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    Clear-TestWorker

    $script:done = Start-WorkerProcess -Name 'GetDone' -ScriptBlock { 'done' }
    $script:failed = Start-WorkerProcess -Name 'GetFailed' -ScriptBlock { exit 5 }
    $script:running = Start-WorkerProcess -Name 'GetRunning' -ScriptBlock { Start-Sleep -Seconds 120 }
    $null = $script:done, $script:failed | Wait-WorkerProcess -PassThru
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Get-WorkerProcess' {
    Context 'listing' {
        It 'lists every worker of the session, sorted by job id' {
            $all = @(Get-WorkerProcess)

            $all | Should -HaveCount 3
            $all.Name | Should -Be @('GetDone', 'GetFailed', 'GetRunning')
            $ids = @($all.Id)
            $ids | Should -Be @($ids | Sort-Object)
            $all | ForEach-Object { $_ | Should -BeOfType ([ProcCmdlets.WorkerProcess]) }
        }

        It 'lists the same workers as Get-Job does' {
            $jobs = @(Get-Job | Where-Object PSJobTypeName -eq 'WorkerProcess')

            @($jobs.InstanceId) | Sort-Object | Should -Be (@((Get-WorkerProcess).InstanceId) | Sort-Object)
        }

        It 'gets workers by -Name, with wildcards' {
            (Get-WorkerProcess -Name 'GetDone').Id | Should -Be $script:done.Id
            @(Get-WorkerProcess -Name 'GetF*', 'GetR*').Name | Should -Be @('GetFailed', 'GetRunning')
            (Get-WorkerProcess 'getdone').Id | Should -Be $script:done.Id
        }

        It 'gets workers by -Id' {
            @(Get-WorkerProcess -Id $script:running.Id, $script:done.Id).Name | Should -Be @('GetDone', 'GetRunning')
        }

        It 'gets workers by -State' {
            (Get-WorkerProcess -State Running).Name | Should -Be 'GetRunning'
            (Get-WorkerProcess -State Completed).Name | Should -Be 'GetDone'
            (Get-WorkerProcess -State Failed).Name | Should -Be 'GetFailed'
            Get-WorkerProcess -State Stopped | Should -BeNullOrEmpty
        }

        It 'combines the filters' {
            (Get-WorkerProcess -Name 'Get*' -State Failed).Name | Should -Be 'GetFailed'
            Get-WorkerProcess -Id $script:done.Id -State Running | Should -BeNullOrEmpty
        }

        It 'shows the process id and exit code of each worker' {
            $failed = Get-WorkerProcess -Name 'GetFailed'
            $failed.ExitCode | Should -Be 5
            $failed.ProcessId | Should -Not -Be $PID
            (Get-WorkerProcess -Name 'GetRunning').ExitCode | Should -BeNullOrEmpty
        }

        It 'does not list the workers of a pool' {
            $pool = New-ProcessPool -ProcessCount 1 -Name 'GetWorkerPool'
            try {
                $pool.WorkerProcessIds | Should -HaveCount 1
                (Get-WorkerProcess).ProcessId | Should -Not -Contain $pool.WorkerProcessIds[0]
                @(Get-WorkerProcess) | Should -HaveCount 3
            }
            finally {
                Remove-ProcessPool -Pool $pool -Force
            }
        }

        It 'does not list removed workers' {
            Remove-WorkerProcess -Worker $script:done

            (Get-WorkerProcess).Name | Should -Not -Contain 'GetDone'
            @(Get-WorkerProcess) | Should -HaveCount 2
        }
    }

    Context 'errors' {
        It 'gives WorkerNotFound for a name without wildcards that matches nothing' {
            $found = Get-WorkerProcess -Name 'NoSuchWorkerName' -ErrorVariable failures -ErrorAction SilentlyContinue

            $found | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'gives nothing and no error for a wildcard that matches nothing' {
            Get-WorkerProcess -Name 'NoSuch*' -ErrorVariable failures | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }

        It 'gives WorkerNotFound for an unknown -Id' {
            Get-WorkerProcess -Id 987654 -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
        }
    }

    Context 'no workers' {
        It 'gives nothing and no error when the session has no worker' {
            Clear-TestWorker

            Get-WorkerProcess -ErrorVariable failures | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
