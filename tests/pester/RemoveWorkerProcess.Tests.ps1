#Requires -Version 7.0
# Remove-WorkerProcess [close()]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Remove-WorkerProcess' {
    AfterEach {
        Clear-TestWorker
    }

    Context 'ended workers' {
        It 'removes an ended worker from Get-WorkerProcess and Get-Job' {
            $worker = Start-WorkerProcess { 6 * 7 }
            $worker | Wait-WorkerProcess | Should -Be 42

            $worker | Remove-WorkerProcess

            Get-WorkerProcess | Where-Object InstanceId -eq $worker.InstanceId | Should -BeNullOrEmpty
            Get-Job | Where-Object InstanceId -eq $worker.InstanceId | Should -BeNullOrEmpty
        }

        It 'removes failed and stopped workers and discards their unread output' {
            $failed = Start-WorkerProcess { 'unread'; exit 2 }
            $stopped = Start-WorkerProcess { Start-Sleep -Seconds 60 }
            $null = $failed | Wait-WorkerProcess -PassThru
            Stop-WorkerProcess -Worker $stopped -Force

            Remove-WorkerProcess -Worker $failed, $stopped -ErrorVariable failures

            $failures | Should -BeNullOrEmpty
            @(Get-WorkerProcess) | Should -HaveCount 0
        }

        It 'removes workers by -Id and -Name' {
            $a = Start-WorkerProcess -Name 'RemoveById' -ScriptBlock { 1 }
            $b = Start-WorkerProcess -Name 'RemoveByName' -ScriptBlock { 2 }
            $null = $a, $b | Wait-WorkerProcess -PassThru

            Remove-WorkerProcess -Id $a.Id
            Remove-WorkerProcess -Name 'RemoveByNa*'

            @(Get-WorkerProcess) | Should -HaveCount 0
        }

        It 'works through Remove-Job' {
            $worker = Start-WorkerProcess { 'job' }
            $null = Wait-Job -Job $worker -Timeout 60

            Remove-Job -Job $worker

            Get-Job | Where-Object InstanceId -eq $worker.InstanceId | Should -BeNullOrEmpty
        }
    }

    Context 'running workers' {
        It 'refuses a running worker with WorkerStillRunning and leaves it running' {
            $worker = Start-WorkerProcess -Name 'RemoveRunning' -ScriptBlock { Start-Sleep -Seconds 60 }

            Remove-WorkerProcess -Worker $worker -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerStillRunning*'
            $worker.State | Should -Be 'Running'
            (Get-WorkerProcess -Name 'RemoveRunning').Id | Should -Be $worker.Id
            Test-ProcessAlive -ProcessId $worker.ProcessId | Should -BeTrue
        }

        It 'with -Force stops a running worker and removes it' {
            $worker = Start-WorkerProcess -Name 'RemoveForced' -ScriptBlock { Start-Sleep -Seconds 60 }

            Remove-WorkerProcess -Name 'RemoveForced' -Force -ErrorVariable failures

            $failures | Should -BeNullOrEmpty
            Get-WorkerProcess -Name 'RemoveFor*' | Should -BeNullOrEmpty
            Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $worker.ProcessId) } | Should -BeTrue
        }
    }

    Context 'a removed worker' {
        BeforeAll {
            $script:removed = Start-WorkerProcess { 'removed' }
            $null = $script:removed | Wait-WorkerProcess -PassThru
            Remove-WorkerProcess -Worker $script:removed
        }

        It 'gives WorkerRemoved to <Command>' -ForEach @(
            @{ Command = 'Wait-WorkerProcess' }
            @{ Command = 'Receive-WorkerProcess' }
            @{ Command = 'Stop-WorkerProcess' }
            @{ Command = 'Remove-WorkerProcess' }
        ) {
            & $Command -Worker $script:removed -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerRemoved*'
        }
    }

    Context 'errors' {
        It 'gives WorkerNotFound for an unknown -Id' {
            Remove-WorkerProcess -Id 987654 -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'gives WorkerNotFound for an unknown -Name' {
            Remove-WorkerProcess -Name 'NoSuchWorkerName' -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
