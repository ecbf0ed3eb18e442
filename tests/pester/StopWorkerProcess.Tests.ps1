#Requires -Version 7.0
# Stop-WorkerProcess [terminate(), kill()]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    # The exit status of a killed process: 128 + SIGKILL on Linux and macOS.
    $script:KilledExitCode = if ($IsWindows) { $null } else { 137 }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Stop-WorkerProcess' {
    AfterEach {
        Clear-TestWorker
    }

    Context 'graceful stop' {
        It 'stops the pipeline so finally blocks run, with exit code 143 and state Stopped' {
            $worker = Start-WorkerProcess {
                try { 'started'; while ($true) { Start-Sleep -Milliseconds 200 } }
                finally { Write-Warning 'cleaning up' }
            }
            Wait-Until -TimeoutSeconds 15 { $worker.HasMoreData } | Should -BeTrue

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $stopped = Stop-WorkerProcess -Worker $worker -PassThru
            $stopwatch.Stop()

            $stopped.InstanceId | Should -Be $worker.InstanceId
            $worker.State | Should -Be 'Stopped'
            $worker.ExitCode | Should -Be 143
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 15
            Test-ProcessAlive -ProcessId $worker.ProcessId | Should -BeFalse

            $received = Receive-WorkerProcess -Worker $worker -WarningVariable warnings -WarningAction SilentlyContinue
            $received | Should -Be 'started'
            $warnings.Message | Should -Contain 'cleaning up'
        }

        It 'kills a worker that does not stop within the grace period' {
            $worker = Start-WorkerProcess { 'blocking'; [System.Threading.Thread]::Sleep(120000) }
            Wait-Until -TimeoutSeconds 15 { $worker.HasMoreData } | Should -BeTrue

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            Stop-WorkerProcess -Worker $worker
            $stopwatch.Stop()

            $worker.State | Should -Be 'Stopped'
            $worker.ExitCode | Should -Not -Be 0
            if ($null -ne $script:KilledExitCode) {
                $worker.ExitCode | Should -Be $script:KilledExitCode
            }
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30
            Test-ProcessAlive -ProcessId $worker.ProcessId | Should -BeFalse
        }
    }

    Context '-Force' {
        It 'kills the worker at once with the OS status and state Stopped' {
            $worker = Start-WorkerProcess {
                try { 'started'; Start-Sleep -Seconds 60 }
                finally { Write-Warning 'finally ran' }
            }
            Wait-Until -TimeoutSeconds 15 { $worker.HasMoreData } | Should -BeTrue

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            Stop-WorkerProcess -Worker $worker -Force
            $stopwatch.Stop()

            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $worker.State | Should -Be 'Stopped'
            $worker.ExitCode | Should -Not -Be 0
            $worker.ExitCode | Should -Not -Be 143
            if ($null -ne $script:KilledExitCode) {
                $worker.ExitCode | Should -Be $script:KilledExitCode
            }
            Test-ProcessAlive -ProcessId $worker.ProcessId | Should -BeFalse
            # What the worker wrote before it was killed can still be received.
            Receive-WorkerProcess -Worker $worker -WarningAction SilentlyContinue | Should -Be 'started'
        }

        It 'kills the processes the worker started' {
            $worker = Start-WorkerProcess {
                $child = if ($IsWindows) {
                    # By full path: PowerShell's command lookup does not find system32's programs under Wine.
                    Start-Process -FilePath "$env:SystemRoot\System32\ping.exe" -ArgumentList '-n', '300', '127.0.0.1' -WindowStyle Hidden -PassThru
                }
                else {
                    Start-Process -FilePath sleep -ArgumentList 300 -PassThru
                }
                $child.Id
                $child.WaitForExit()
            }
            $received = [System.Collections.Generic.List[object]]::new()
            Wait-Until -TimeoutSeconds 15 {
                foreach ($item in (Receive-WorkerProcess -Worker $worker)) { $received.Add($item) }
                $received.Count -gt 0
            } | Should -BeTrue
            $childPid = [int] $received[0]
            Test-ProcessAlive -ProcessId $childPid | Should -BeTrue

            Stop-WorkerProcess -Worker $worker -Force

            Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $childPid) } | Should -BeTrue
        }

        It 'kills a program the worker left in the background, whose parent has already ended (Unix: it stays in the worker''s process group; on Windows the Job object holds every descendant)' -Skip:$IsWindows {
            # sh starts sleep in the background and exits: sleep is re-parented, out of the worker's
            # tree, yet still in the worker's process group.
            $worker = Start-WorkerProcess {
                & sh -c 'sleep 300 > /dev/null 2>&1 & echo $!'
                Start-Sleep -Seconds 300
            }
            $received = [System.Collections.Generic.List[object]]::new()
            Wait-Until -TimeoutSeconds 15 {
                foreach ($item in (Receive-WorkerProcess -Worker $worker)) { $received.Add($item) }
                $received.Count -gt 0
            } | Should -BeTrue
            $orphan = [int] $received[0]
            try {
                Test-ProcessAlive -ProcessId $orphan | Should -BeTrue
                (Get-Process -Id $orphan).Parent.Id | Should -Not -Be $worker.ProcessId

                Stop-WorkerProcess -Worker $worker -Force

                Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $orphan) } | Should -BeTrue
            }
            finally {
                Stop-Process -Id $orphan -Force -ErrorAction SilentlyContinue
            }
        }
    }

    Context 'choosing workers' {
        It 'takes workers from the pipeline, by -Id and by -Name' {
            $a = Start-WorkerProcess -Name 'StopPiped' -ScriptBlock { Start-Sleep -Seconds 60 }
            $b = Start-WorkerProcess -Name 'StopById' -ScriptBlock { Start-Sleep -Seconds 60 }
            $c = Start-WorkerProcess -Name 'StopByName' -ScriptBlock { Start-Sleep -Seconds 60 }

            $a | Stop-WorkerProcess -Force
            Stop-WorkerProcess -Id $b.Id -Force
            Stop-WorkerProcess -Name 'StopByNa*' -Force

            $a.State | Should -Be 'Stopped'
            $b.State | Should -Be 'Stopped'
            $c.State | Should -Be 'Stopped'
        }

        It 'leaves a worker that has already ended as it is' {
            $worker = Start-WorkerProcess { 'done' }
            $null = $worker | Wait-WorkerProcess -PassThru

            Stop-WorkerProcess -Worker $worker

            $worker.State | Should -Be 'Completed'
            $worker.ExitCode | Should -Be 0
        }

        It 'with -WhatIf does not stop the worker' {
            $worker = Start-WorkerProcess { Start-Sleep -Seconds 60 }

            Stop-WorkerProcess -Worker $worker -WhatIf

            $worker.State | Should -Be 'Running'
            Test-ProcessAlive -ProcessId $worker.ProcessId | Should -BeTrue
        }

        It 'works through Stop-Job' {
            $worker = Start-WorkerProcess { Start-Sleep -Seconds 60 }

            Stop-Job -Job $worker

            Wait-Until -TimeoutSeconds 15 { $worker.State -eq 'Stopped' } | Should -BeTrue
            Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $worker.ProcessId) } | Should -BeTrue
        }
    }

    Context 'errors' {
        It 'gives WorkerNotFound for an unknown -Id' {
            Stop-WorkerProcess -Id 987654 -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'gives WorkerNotFound for an unknown -Name' {
            Stop-WorkerProcess -Name 'NoSuchWorkerName' -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
