#Requires -Version 7.0
# Q2. What are the differences between multiprocessing and multithreading?
# A thread shares its process's memory; a worker process has memory of its own.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:slot = 'ProcCmdlets.Q2.' + [guid]::NewGuid().ToString('N')
}

AfterAll {
    [System.AppDomain]::CurrentDomain.SetData($script:slot, $null)
    Assert-NoWorkerLeft
}

Describe 'Q2: processes versus threads' {
    AfterEach {
        [System.AppDomain]::CurrentDomain.SetData($script:slot, $null)
        Clear-TestWorker
    }

    Context 'memory' {
        It 'does not show the session a static value set in a worker process' {
            $worker = Start-WorkerProcess -ArgumentList $script:slot -ScriptBlock {
                param($Slot)
                [System.AppDomain]::CurrentDomain.SetData($Slot, 'set by a process')
                [System.AppDomain]::CurrentDomain.GetData($Slot)
            }

            $worker | Wait-WorkerProcess | Should -Be 'set by a process'
            [System.AppDomain]::CurrentDomain.GetData($script:slot) | Should -BeNullOrEmpty
        }

        It 'shows the session a static value set in a thread job' {
            $job = Start-ThreadJob -ArgumentList $script:slot -ScriptBlock {
                param($Slot)
                [System.AppDomain]::CurrentDomain.SetData($Slot, 'set by a thread')
            }

            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Completed'
            [System.AppDomain]::CurrentDomain.GetData($script:slot) | Should -Be 'set by a thread'
        }

        It 'does not show a worker process a static value set in the session' {
            [System.AppDomain]::CurrentDomain.SetData($script:slot, 'set by the session')

            $worker = Start-WorkerProcess -ArgumentList $script:slot -ScriptBlock {
                param($Slot)
                "[$([System.AppDomain]::CurrentDomain.GetData($Slot))]"
            }

            $worker | Wait-WorkerProcess | Should -Be '[]'
        }
    }

    Context 'identity' {
        It 'gives a worker a process id of its own, while a thread job shares the session''s' {
            $worker = Start-WorkerProcess { $PID }
            $job = Start-ThreadJob { [System.Diagnostics.Process]::GetCurrentProcess().Id }

            $workerPid = $worker | Wait-WorkerProcess
            $threadPid = $job | Wait-Job -Timeout 60 | Receive-Job

            $workerPid | Should -Not -Be $PID
            $threadPid | Should -Be $PID
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
