#Requires -Version 7.0
# Wait-WorkerProcess [join(timeout)]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Wait-WorkerProcess' {
    AfterEach {
        Clear-TestWorker
    }

    Context 'waiting for workers to end' {
        It 'writes the output of every worker and returns when they have ended' {
            $workers = 1, 2 | ForEach-Object {
                Start-WorkerProcess -ArgumentList $_ -ScriptBlock { param($n) "a$n"; "b$n" }
            }

            $output = $workers | Wait-WorkerProcess

            $output | Sort-Object | Should -Be @('a1', 'a2', 'b1', 'b2')
            # The output of one worker keeps its order.
            @($output | Where-Object { $_ -like '*1' }) | Should -Be @('a1', 'b1')
            foreach ($worker in $workers) {
                $worker.State | Should -Be 'Completed'
                $worker.ExitCode | Should -Be 0
            }
        }

        It 'takes what it writes out of the worker' {
            $worker = Start-WorkerProcess { 'once' }

            $worker | Wait-WorkerProcess | Should -Be 'once'
            $worker.HasMoreData | Should -BeFalse
            Receive-WorkerProcess -Worker $worker | Should -BeNullOrEmpty
        }

        It 'takes workers by -Worker, -Id and -Name' {
            $first = Start-WorkerProcess -Name 'WaitById' -ScriptBlock { 'by id' }
            $second = Start-WorkerProcess -Name 'WaitByName' -ScriptBlock { 'by name' }
            $third = Start-WorkerProcess -Name 'WaitByObject' -ScriptBlock { 'by object' }

            Wait-WorkerProcess -Id $first.Id | Should -Be 'by id'
            Wait-WorkerProcess -Name 'WaitByNa*' | Should -Be 'by name'
            Wait-WorkerProcess -Worker $third | Should -Be 'by object'
            $second.State | Should -Be 'Completed'
        }

        It 'writes records streamed by a running worker before it ends' {
            $worker = Start-WorkerProcess { 'first'; Start-Sleep -Seconds 20; 'last' }

            $received = [System.Collections.Generic.List[object]]::new()
            $deadline = [DateTime]::UtcNow.AddSeconds(15)
            while ($received -notcontains 'first' -and [DateTime]::UtcNow -lt $deadline) {
                foreach ($item in ($worker | Wait-WorkerProcess -Timeout 1)) { $received.Add($item) }
            }

            $received | Should -Be @('first')
            $worker.State | Should -Be 'Running'
            Stop-WorkerProcess -Worker $worker -Force
        }
    }

    Context '-Timeout' {
        It 'returns when the timeout expires and leaves the workers running' {
            $worker = Start-WorkerProcess { Start-Sleep -Seconds 60; 'finished' }

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $output = $worker | Wait-WorkerProcess -Timeout 2
            $stopwatch.Stop()

            $output | Should -BeNullOrEmpty
            $stopwatch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.5
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30
            $worker.State | Should -Be 'Running'
            $worker.ExitCode | Should -BeNullOrEmpty
            Stop-WorkerProcess -Worker $worker -Force
        }

        It 'with -Timeout 0 writes what has arrived and returns at once' {
            $worker = Start-WorkerProcess { Start-Sleep -Seconds 60 }

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $worker | Wait-WorkerProcess -Timeout 0 | Should -BeNullOrEmpty
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $worker.State | Should -Be 'Running'
            Stop-WorkerProcess -Worker $worker -Force
        }
    }

    Context '-Any and -PassThru' {
        It 'with -Any returns when the first worker ends' {
            $slow = Start-WorkerProcess -Name 'AnySlow' -ScriptBlock { Start-Sleep -Seconds 60 }
            $fast = Start-WorkerProcess -Name 'AnyFast' -ScriptBlock { 'fast' }

            $ended = $slow, $fast | Wait-WorkerProcess -Any -PassThru

            $ended | Should -HaveCount 1
            $ended.Name | Should -Be 'AnyFast'
            $fast.State | Should -Be 'Completed'
            $slow.State | Should -Be 'Running'
            Stop-WorkerProcess -Worker $slow -Force
        }

        It 'with -Any writes the output of the first worker to end' {
            $slow = Start-WorkerProcess { Start-Sleep -Seconds 60; 'slow' }
            $fast = Start-WorkerProcess { 'fast' }

            $slow, $fast | Wait-WorkerProcess -Any | Should -Be 'fast'
            $slow.State | Should -Be 'Running'
            Stop-WorkerProcess -Worker $slow -Force
        }

        It 'with -PassThru writes the ended workers and leaves their output to be received' {
            $worker = Start-WorkerProcess { 'kept'; Write-Warning 'kept warning' }

            $ended = $worker | Wait-WorkerProcess -PassThru -WarningVariable warnings -WarningAction SilentlyContinue

            $ended | Should -HaveCount 1
            $ended.InstanceId | Should -Be $worker.InstanceId
            $ended | Should -BeOfType ([ProcCmdlets.WorkerProcess])
            $warnings | Should -BeNullOrEmpty
            $worker.HasMoreData | Should -BeTrue
            Receive-WorkerProcess -Worker $worker -WarningAction SilentlyContinue | Should -Be 'kept'
        }
    }

    Context 'exit codes and states' {
        It 'gives Completed and exit code 0 after a clean finish' {
            $worker = Start-WorkerProcess { 'done' }

            $worker | Wait-WorkerProcess | Should -Be 'done'
            $worker.State | Should -Be 'Completed'
            $worker.ExitCode | Should -Be 0
        }

        It 'gives Failed and exit code 3 after exit 3' {
            $worker = Start-WorkerProcess { 'before exit'; exit 3 }

            $worker | Wait-WorkerProcess | Should -Be 'before exit'
            $worker.State | Should -Be 'Failed'
            $worker.ExitCode | Should -Be 3
        }

        It 'gives Failed and exit code 1 after an unhandled throw, and relays the error' {
            $worker = Start-WorkerProcess { 'before throw'; throw 'worker went wrong' }

            $output = $worker | Wait-WorkerProcess -ErrorVariable failures -ErrorAction SilentlyContinue

            $output | Should -Be 'before throw'
            $worker.State | Should -Be 'Failed'
            $worker.ExitCode | Should -Be 1
            $failures | Should -Not -BeNullOrEmpty
            $failures[0].Exception.Message | Should -BeLike '*worker went wrong*'
        }

        It 'keeps an unhandled error in the job''s Error stream' {
            $worker = Start-WorkerProcess { throw 'kept in the job' }

            $null = $worker | Wait-WorkerProcess -PassThru

            $worker.ExitCode | Should -Be 1
            $worker.Error.Count | Should -BeGreaterThan 0
            $worker.Error[0].Exception.Message | Should -BeLike '*kept in the job*'
        }
    }

    Context 'relaying streams' {
        BeforeAll {
            $script:streamWorker = Start-WorkerProcess {
                $VerbosePreference = 'Continue'
                $DebugPreference = 'Continue'
                'output'
                Write-Warning 'warning record'
                Write-Verbose 'verbose record'
                Write-Debug 'debug record'
                Write-Information 'information record' -Tags 'TestTag'
                Write-Host 'host record'
                Write-Error 'error record'
                'output after'
            }
            $script:streamRecords = & {
                # Verbose and debug records are written only when the session's preferences allow it.
                $VerbosePreference = 'Continue'
                $DebugPreference = 'Continue'
                $script:streamWorker |
                    Wait-WorkerProcess -ErrorVariable relayedErrors -ErrorAction SilentlyContinue 2>$null 3>&1 4>&1 5>&1 6>&1
                $script:streamErrors = $relayedErrors
            }
        }

        It 'writes the output objects in order' {
            @($script:streamRecords | Where-Object { $_ -is [string] }) | Should -Be @('output', 'output after')
        }

        It 'relays Write-Warning to the warning stream' {
            $warning = @($script:streamRecords | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
            $warning.Message | Should -Be 'warning record'
        }

        It 'relays Write-Verbose to the verbose stream' {
            $verbose = @($script:streamRecords | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $verbose.Message | Should -Contain 'verbose record'
        }

        It 'relays Write-Debug to the debug stream' {
            $debug = @($script:streamRecords | Where-Object { $_ -is [System.Management.Automation.DebugRecord] })
            $debug.Message | Should -Contain 'debug record'
        }

        It 'relays Write-Information and Write-Host to the information stream' {
            $information = @($script:streamRecords | Where-Object { $_ -is [System.Management.Automation.InformationRecord] })
            $data = $information | ForEach-Object { "$($_.MessageData)" }
            $data | Should -Contain 'information record'
            $data | Should -Contain 'host record'
            ($information | Where-Object { "$($_.MessageData)" -eq 'information record' }).Tags | Should -Contain 'TestTag'
            ($information | Where-Object { "$($_.MessageData)" -eq 'host record' }).Tags | Should -Contain 'PSHOST'
        }

        It 'relays Write-Error to the error stream and the worker completes' {
            $script:streamErrors | Should -HaveCount 1
            $script:streamErrors[0].Exception.Message | Should -Be 'error record'
            $script:streamWorker.State | Should -Be 'Completed'
            $script:streamWorker.ExitCode | Should -Be 0
        }

        It 'collects warnings with -WarningVariable' {
            $worker = Start-WorkerProcess { Write-Warning 'to the variable'; 'value' }

            $worker | Wait-WorkerProcess -WarningVariable warnings -WarningAction SilentlyContinue | Should -Be 'value'
            $warnings | Should -HaveCount 1
            $warnings[0].Message | Should -Be 'to the variable'
        }
    }

    Context 'writing straight to the process''s standard output' {
        It 'keeps the channel working after [Console]::WriteLine and native programs' {
            $worker = Start-WorkerProcess {
                'before'
                [Console]::WriteLine('written to the console')
                [Console]::Out.Write("no newline")
                [Console]::Out.Flush()
                $stdout = [Console]::OpenStandardOutput()
                $bytes = [System.Text.Encoding]::UTF8.GetBytes("raw bytes`n")
                $stdout.Write($bytes, 0, $bytes.Length)
                $stdout.Flush()
                if ($IsWindows) {
                    # By full path: PowerShell's command lookup does not find system32's programs under Wine.
                    Start-Process -FilePath "$env:SystemRoot\System32\cmd.exe" -ArgumentList '/c', 'echo raw' -NoNewWindow -Wait
                    $native = & "$env:SystemRoot\System32\cmd.exe" /c echo hi
                }
                else {
                    Start-Process -FilePath /bin/sh -ArgumentList '-c', 'echo raw' -NoNewWindow -Wait
                    $native = /bin/echo hi
                    sh -c 'echo raw from sh'
                }
                "native said $native"
                [pscustomobject]@{ Name = 'after'; Value = 42 }
            }

            $output = @($worker | Wait-WorkerProcess)

            $output[0] | Should -Be 'before'
            $output | Should -Contain 'native said hi'
            $last = $output[-1]
            $last.Name | Should -Be 'after'
            $last.Value | Should -Be 42
            $worker.State | Should -Be 'Completed'
            $worker.ExitCode | Should -Be 0
        }
    }

    Context 'errors' {
        It 'gives WorkerNotFound for an unknown -Id' {
            $output = Wait-WorkerProcess -Id 987654 -ErrorVariable failures -ErrorAction SilentlyContinue

            $output | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'gives WorkerNotFound for an unknown -Name' {
            Wait-WorkerProcess -Name 'NoSuchWorkerName' -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'gives no error for a -Name wildcard that matches nothing' {
            Wait-WorkerProcess -Name 'NoSuchWorker*' -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -BeNullOrEmpty
        }
    }

    Context 'Ctrl+C' {
        It 'stops the wait promptly and leaves the worker running; closing the runspace ends it' {
            $instance = New-ProcCmdletsPowerShell
            try {
                $worker = $instance.AddScript('Start-WorkerProcess { Start-Sleep -Seconds 60 }').Invoke()[0]
                $instance.Commands.Clear()
                $worker.State | Should -Be 'Running'
                $workerPid = $worker.ProcessId

                $null = $instance.AddCommand('Wait-WorkerProcess').AddParameter('Worker', $worker)
                $async = $instance.BeginInvoke()
                Wait-Until -TimeoutSeconds 10 { $instance.InvocationStateInfo.State -eq 'Running' } | Should -BeTrue
                Start-Sleep -Milliseconds 500
                $async.IsCompleted | Should -BeFalse

                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $instance.Stop()
                $stopwatch.Stop()

                $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 10
                $instance.InvocationStateInfo.State | Should -Be 'Stopped'
                $worker.State | Should -Be 'Running'
                Test-ProcessAlive -ProcessId $workerPid | Should -BeTrue

                $instance.Runspace.Close()
                Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $workerPid) } | Should -BeTrue
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
