#Requires -Version 7.0
# Invoke-ProcessPoolApply [apply, apply_async, AsyncResult.get(timeout)]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:pool = New-ProcessPool -ProcessCount 2 -Name 'ApplyTestPool'
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Invoke-ProcessPoolApply' {
    Context 'apply' {
        It 'runs the script block once on one pool worker and writes its output' {
            $output = Invoke-ProcessPoolApply -Pool $script:pool { 'ran'; $PID }

            $output | Should -HaveCount 2
            $output[0] | Should -Be 'ran'
            $output[1] | Should -Not -Be $PID
            $script:pool.WorkerProcessIds | Should -Contain $output[1]
        }

        It 'passes -ArgumentList values to the script block' {
            Invoke-ProcessPoolApply -Pool $script:pool -ArgumentList 6, 7 { param($a, $b) $a * $b } | Should -Be 42
        }

        It 'passes -ArgumentList values through $args' {
            Invoke-ProcessPoolApply -Pool $script:pool -ArgumentList 'x', 'y' { $args -join '+' } | Should -Be 'x+y'
        }

        It 'reads $using: variables from the caller''s scope' {
            $word = 'using'
            Invoke-ProcessPoolApply -Pool $script:pool { "$using:word works" } | Should -Be 'using works'
        }

        It 'relays warnings to the warning stream' {
            $records = Invoke-ProcessPoolApply -Pool $script:pool {
                Write-Warning 'apply warning'
                'value'
            } 3>&1

            @($records | Where-Object { $_ -is [string] }) | Should -Be 'value'
            @($records | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be 'apply warning'
        }

        It 'collects warnings with -WarningVariable under -WarningAction SilentlyContinue' {
            Invoke-ProcessPoolApply -Pool $script:pool -WarningVariable warnings -WarningAction SilentlyContinue {
                Write-Warning 'apply warning'
                'value'
            } | Should -Be 'value'

            $warnings.Message | Should -Be 'apply warning'
        }

        It 'writes the script block''s error' {
            Invoke-ProcessPoolApply -Pool $script:pool -ErrorVariable failures -ErrorAction SilentlyContinue { throw 'apply failed' }

            $failures | Should -Not -BeNullOrEmpty
            $failures[0].Exception.Message | Should -BeLike '*apply failed*'
            $script:pool.State | Should -Be 'Running'
        }

        It 'runs on a temporary pool without -Pool' {
            $before = @(Get-WorkerChildProcess).Count

            $output = Invoke-ProcessPoolApply { "temporary $PID" }

            $output | Should -BeLike 'temporary *'
            $output | Should -Not -Be "temporary $PID"
            Wait-Until -TimeoutSeconds 10 { @(Get-WorkerChildProcess).Count -le $before } | Should -BeTrue
        }

        It 'refuses a removed pool with PoolRemoved' {
            $removed = New-ProcessPool -ProcessCount 1 -Name 'ApplyRemovedPool'
            Remove-ProcessPool -Pool $removed -Force

            { Invoke-ProcessPoolApply -Pool $removed { 1 } } | Should -Throw -ErrorId 'PoolRemoved,*'
        }
    }

    Context '-AsJob' {
        AfterEach {
            Get-Job | Where-Object PSJobTypeName -ne 'WorkerProcess' | Remove-Job -Force
        }

        It 'returns at once a job that Get-Job lists' {
            # The script block cannot end before the test sets $go: a job returned while it runs was
            # returned at once, on a busy machine too. (The wait is a safety net.)
            $go = New-ProcessEvent
            $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob -ArgumentList $go { param($e) $null = $e.Wait(60); 'async result' }

            $job | Should -BeOfType ([System.Management.Automation.Job])
            $job.GetType().FullName | Should -Be 'ProcCmdlets.ProcessPoolApplyJob'
            $job.State | Should -Be 'Running'
            (Get-Job -Id $job.Id).InstanceId | Should -Be $job.InstanceId

            $go.Set()
            $waited = Wait-Job -Job $job -Timeout 60
            $waited.InstanceId | Should -Be $job.InstanceId
            $job.State | Should -Be 'Completed'
            Receive-Job -Job $job | Should -Be 'async result'
        }

        It 'passes -ArgumentList and keeps the output until Receive-Job takes it' {
            $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob -ArgumentList 5 { param($n) 1..$n }

            $null = Wait-Job -Job $job -Timeout 60
            Receive-Job -Job $job -Keep | Should -Be @(1, 2, 3, 4, 5)
            Receive-Job -Job $job | Should -Be @(1, 2, 3, 4, 5)
            Receive-Job -Job $job | Should -BeNullOrEmpty
        }

        It 'keeps the script block''s error in the job' {
            $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob { throw 'async failure' }

            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Failed'
            Receive-Job -Job $job -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].Exception.Message | Should -BeLike '*async failure*'
        }

        It 'completes when the script block only writes a non-terminating error, as Start-ThreadJob''s job does' {
            $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob { Write-Error 'not fatal'; 'after the error' }

            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Completed'
            $job.JobStateInfo.Reason | Should -BeNullOrEmpty
            $output = Receive-Job -Job $job -ErrorVariable failures -ErrorAction SilentlyContinue
            $output | Should -Be 'after the error'
            $failures.Count | Should -Be 1
            $failures[0].Exception.Message | Should -Be 'not fatal'
        }

        It 'fails when the script block''s error is made terminating by -ErrorAction Stop' {
            $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob { Write-Error 'now fatal' -ErrorAction Stop; 'never' }

            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Failed'
            $job.JobStateInfo.Reason.Message | Should -BeLike '*now fatal*'
            Receive-Job -Job $job -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'is removed by Remove-Job' {
            $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob { 'remove me' }
            $null = Wait-Job -Job $job -Timeout 60

            Remove-Job -Job $job

            Get-Job | Where-Object InstanceId -eq $job.InstanceId | Should -BeNullOrEmpty
            $script:pool.State | Should -Be 'Running'
        }

        It 'runs several jobs side by side on the pool''s workers' {
            Wait-ProcessPoolReady -Pool $script:pool | Should -BeTrue
            # Each job passes the barrier only once the other has reached it: both ran at the same
            # time, however long each took to start. (The barrier's timeout is a safety net.)
            $barrier = New-ProcessBarrier -Parties 2
            $jobs = 1..2 | ForEach-Object {
                Invoke-ProcessPoolApply -Pool $script:pool -AsJob -ArgumentList $_, $barrier {
                    param($n, $b)
                    $b.Wait(60)
                    [pscustomobject]@{ N = $n; Pid = $PID }
                }
            }

            $null = Wait-Job -Job $jobs -Timeout 60
            $results = $jobs | Receive-Job

            $results | Should -HaveCount 2
            $results[0].Pid | Should -Not -Be $results[1].Pid
        }

        It 'without -Pool runs on a pool of its own, which has ended when the job has' {
            $job = Invoke-ProcessPoolApply -AsJob { $PID }

            $job.PSJobTypeName | Should -Be 'ProcessPoolApply'
            Wait-Job -Job $job -Timeout 120 | Should -Not -BeNullOrEmpty
            $job.State | Should -Be 'Completed'
            $workerId = Receive-Job -Job $job
            $workerId | Should -Not -Be $PID
            # The pool ends before the job's state changes: its worker is gone, or going (an exit takes a moment).
            Wait-Until -TimeoutSeconds 30 { -not (Test-ProcessAlive -ProcessId $workerId) } | Should -BeTrue
        }

        It 'without -Pool, Stop-Job ends the job''s own pool and its worker' {
            $started = New-ProcessEvent
            $job = Invoke-ProcessPoolApply -AsJob -ArgumentList $started { param($e) $PID; $e.Set(); Start-Sleep -Seconds 300 }
            $started.Wait(120) | Should -BeTrue
            Stop-Job -Job $job
            Wait-Job -Job $job -Timeout 60 | Should -Not -BeNullOrEmpty
            $job.State | Should -Be 'Stopped'
            $workerId = Receive-Job -Job $job
            Wait-Until -TimeoutSeconds 30 { -not (Test-ProcessAlive -ProcessId $workerId) } | Should -BeTrue
        }

        It 'Wait-Job -Timeout returns with the job still running' {
            $job = Invoke-ProcessPoolApply -Pool $script:pool -AsJob { Start-Sleep -Seconds 30; 'late' }

            Wait-Job -Job $job -Timeout 1 | Should -BeNullOrEmpty
            $job.State | Should -Be 'Running'
        }
    }

    Context 'session functions' {
        It 'calls a session function, and one named by -Function for a dynamic call' {
            function Get-Greeting($Name) { "hello $Name" }
            $command = 'Get-Greeting'

            Invoke-ProcessPoolApply -Pool $script:pool { Get-Greeting 'pool' } | Should -Be 'hello pool'
            Invoke-ProcessPoolApply -Pool $script:pool -Function Get-Greeting { & $using:command 'dynamic' } | Should -Be 'hello dynamic'
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
