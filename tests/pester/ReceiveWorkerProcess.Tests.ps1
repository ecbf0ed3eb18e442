#Requires -Version 7.0
# Receive-WorkerProcess [Queue.get_nowait() without the queue]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Receive-WorkerProcess' {
    Context 'a running worker' {
        AfterEach {
            Clear-TestWorker
        }

        It 'gets what the worker has written so far without waiting for it to end' {
            $worker = Start-WorkerProcess { 'first'; Start-Sleep -Seconds 20; 'last' }
            try {
                Wait-Until -TimeoutSeconds 15 { $worker.HasMoreData } | Should -BeTrue

                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $received = Receive-WorkerProcess -Worker $worker
                $stopwatch.Stop()

                $received | Should -Be 'first'
                $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 10
                $worker.State | Should -Be 'Running'
                # What was received is gone; nothing new has been written yet.
                Receive-WorkerProcess -Worker $worker | Should -BeNullOrEmpty
            }
            finally {
                Stop-WorkerProcess -Worker $worker -Force
            }
        }

        It 'gets only what was written since the last receive' {
            $worker = Start-WorkerProcess {
                'one'
                while (-not (Test-Path -LiteralPath $args[0])) { Start-Sleep -Milliseconds 100 }
                'two'
            } -ArgumentList (Join-Path $TestDrive 'go')

            Wait-Until -TimeoutSeconds 15 { $worker.HasMoreData } | Should -BeTrue
            Receive-WorkerProcess -Worker $worker | Should -Be 'one'

            $null = New-Item -ItemType File -Path (Join-Path $TestDrive 'go')
            $null = $worker | Wait-WorkerProcess -PassThru -Timeout 30
            Receive-WorkerProcess -Worker $worker | Should -Be 'two'
        }
    }

    Context 'an ended worker' {
        BeforeAll {
            $script:ended = Start-WorkerProcess {
                'out 1'
                Write-Warning 'a warning'
                [pscustomobject]@{ Kind = 'object'; Number = 7 }
            }
            $null = $script:ended | Wait-WorkerProcess -PassThru
        }

        It 'keeps the output until it is received' {
            $script:ended.State | Should -Be 'Completed'
            $script:ended.HasMoreData | Should -BeTrue
        }

        It 'with -Keep leaves the records in the worker' {
            $first = Receive-WorkerProcess -Worker $script:ended -Keep -WarningAction SilentlyContinue
            $second = Receive-WorkerProcess -Worker $script:ended -Keep -WarningAction SilentlyContinue

            $first | Should -HaveCount 2
            $second | Should -HaveCount 2
            $second[0] | Should -Be 'out 1'
            $script:ended.HasMoreData | Should -BeTrue
        }

        It 'writes output objects and relays the warning, then has no more data' {
            $received = Receive-WorkerProcess -Worker $script:ended -WarningVariable warnings -WarningAction SilentlyContinue

            $received | Should -HaveCount 2
            $received[0] | Should -Be 'out 1'
            $received[1].Kind | Should -Be 'object'
            $received[1].Number | Should -Be 7
            $warnings | Should -HaveCount 1
            $warnings[0].Message | Should -Be 'a warning'
            $script:ended.HasMoreData | Should -BeFalse
        }

        It 'gets nothing the second time' {
            Receive-WorkerProcess -Worker $script:ended -WarningVariable warnings -WarningAction SilentlyContinue |
                Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
        }
    }

    Context 'choosing workers' {
        AfterEach {
            Clear-TestWorker
        }

        It 'takes workers from the pipeline' {
            $workers = 1, 2 | ForEach-Object { Start-WorkerProcess -ArgumentList $_ -ScriptBlock { param($n) "piped $n" } }
            $null = $workers | Wait-WorkerProcess -PassThru

            $workers | Receive-WorkerProcess | Sort-Object | Should -Be @('piped 1', 'piped 2')
        }

        It 'takes workers by -Id and -Name' {
            $byId = Start-WorkerProcess -Name 'ReceiveById' -ScriptBlock { 'id' }
            $byName = Start-WorkerProcess -Name 'ReceiveByName' -ScriptBlock { 'name' }
            $null = $byId, $byName | Wait-WorkerProcess -PassThru

            Receive-WorkerProcess -Id $byId.Id | Should -Be 'id'
            Receive-WorkerProcess -Name 'ReceiveBy*' | Should -Be 'name'
        }

        It 'relays a worker''s errors to -ErrorVariable with the worker''s message' {
            $worker = Start-WorkerProcess -Name 'ReceiveParse' -ScriptBlock { [int] 'x' }
            $null = $worker | Wait-WorkerProcess -PassThru

            Receive-WorkerProcess -Name 'ReceiveParse' -ErrorVariable workerErrors -ErrorAction SilentlyContinue

            $workerErrors | Should -Not -BeNullOrEmpty
            $workerErrors[0].Exception.Message | Should -BeLike '*"x"*'
        }

        It 'shares its store with Receive-Job' {
            $worker = Start-WorkerProcess { 'shared' }
            $null = $worker | Wait-WorkerProcess -PassThru

            Receive-Job -Job $worker | Should -Be 'shared'
            Receive-WorkerProcess -Worker $worker | Should -BeNullOrEmpty
        }
    }

    Context 'errors' {
        AfterEach {
            Clear-TestWorker
        }

        It 'gives WorkerNotFound for an unknown -Id' {
            Receive-WorkerProcess -Id 987654 -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'gives WorkerNotFound for an unknown -Name' {
            Receive-WorkerProcess -Name 'NoSuchWorkerName' -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound*'
        }

        It 'gives WorkerRemoved for a removed worker' {
            $worker = Start-WorkerProcess { 'gone' }
            $null = $worker | Wait-WorkerProcess -PassThru
            Remove-WorkerProcess -Worker $worker

            Receive-WorkerProcess -Worker $worker -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerRemoved*'
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
