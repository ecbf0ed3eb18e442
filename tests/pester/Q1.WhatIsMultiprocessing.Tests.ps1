#Requires -Version 7.0
# Q1. What is multiprocessing, and why is it useful?
# Work runs in separate processes, each with its own memory, and several of them run at the same time.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Q1: what multiprocessing is' {
    AfterEach {
        Clear-TestWorker
    }

    Context 'a separate process' {
        It 'runs the work in another process than the session' {
            $worker = Start-WorkerProcess { [System.Diagnostics.Process]::GetCurrentProcess().Id }

            $workerPid = $worker | Wait-WorkerProcess

            $workerPid | Should -Not -Be $PID
            $workerPid | Should -Be $worker.ProcessId
        }

        It 'gives the process its own memory: a change in the worker does not reach the session' {
            $global:q1Shared = 'session value'
            try {
                $worker = Start-WorkerProcess {
                    $before = $global:q1Shared
                    $global:q1Shared = 'worker value'
                    [pscustomobject]@{ Before = $before; After = $global:q1Shared }
                }

                $seen = $worker | Wait-WorkerProcess

                $seen.Before | Should -BeNullOrEmpty
                $seen.After | Should -Be 'worker value'
                $global:q1Shared | Should -Be 'session value'
            }
            finally {
                Remove-Variable -Name q1Shared -Scope Global -ErrorAction SilentlyContinue
            }
        }
    }

    Context 'parallelism' {
        It 'runs two workers at the same time' {
            # A worker's engine can take a while to start on a busy machine, so both workers first
            # say they are ready, then start their timed work together when the session says go.
            $go = Join-Path $TestDrive 'go'
            $work = {
                param($GoFile)
                'ready'
                while (-not (Test-Path -LiteralPath $GoFile)) { Start-Sleep -Milliseconds 50 }
                $start = [DateTime]::UtcNow
                Start-Sleep -Seconds 2
                [pscustomobject]@{ Pid = $PID; Start = $start; End = [DateTime]::UtcNow }
            }
            $workers = 1..2 | ForEach-Object { Start-WorkerProcess -ScriptBlock $work -ArgumentList $go }
            Wait-Until -TimeoutSeconds 60 { @($workers | Where-Object HasMoreData).Count -eq 2 } | Should -BeTrue
            $workers | Receive-WorkerProcess | Should -Be @('ready', 'ready')

            $null = New-Item -ItemType File -Path $go
            $reports = @($workers | Wait-WorkerProcess)

            $reports | Should -HaveCount 2
            $reports[0].Pid | Should -Not -Be $reports[1].Pid
            # Each interval starts before the other ends: they overlap.
            $reports[0].Start | Should -BeLessThan $reports[1].End
            $reports[1].Start | Should -BeLessThan $reports[0].End
        }

        It 'runs a pool''s CPU-bound items in two processes at the same time' {
            $pool = New-ProcessPool -ProcessCount 2
            try {
                # Wait until both workers are up and taking items before timing anything.
                Wait-ProcessPoolReady -Pool $pool | Should -BeTrue

                $reports = 1..2 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                    $start = [DateTime]::UtcNow
                    $deadline = $start.AddSeconds(2)
                    $count = 0
                    while ([DateTime]::UtcNow -lt $deadline) { $count++ }
                    [pscustomobject]@{ Pid = $PID; Start = $start; End = [DateTime]::UtcNow }
                }

                $reports | Should -HaveCount 2
                $reports[0].Pid | Should -Not -Be $reports[1].Pid
                $reports[0].Start | Should -BeLessThan $reports[1].End
                $reports[1].Start | Should -BeLessThan $reports[0].End
            }
            finally {
                Remove-ProcessPool -Pool $pool -Force
            }
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
