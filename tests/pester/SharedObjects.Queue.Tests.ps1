#Requires -Version 7.0
# New-ProcessQueue [multiprocessing.Queue, JoinableQueue]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:pool = New-ProcessPool -ProcessCount 2 -Name 'QueueTestPool'
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessQueue' {
    AfterEach {
        Clear-TestWorker
    }

    Context 'in the session' {
        It 'makes a queue whose items come out in order' {
            $queue = New-ProcessQueue
            $queue | Should -BeOfType ([ProcCmdlets.ProcessQueue])
            $queue.MaxSize | Should -Be 0
            1..3 | ForEach-Object { $queue.Put($_) }
            $queue.Count | Should -Be 3
            $queue.Get(), $queue.Get(), $queue.Get() | Should -Be @(1, 2, 3)
        }

        It 'throws a TimeoutException from a Get that finds nothing in time' {
            $queue = New-ProcessQueue
            Get-ThrownType { $queue.Get(0.2) } | Should -Be 'System.TimeoutException'
        }

        It 'with -MaxSize, times out a Put while the queue is full' {
            $queue = New-ProcessQueue -MaxSize 2
            $queue.MaxSize | Should -Be 2
            $queue.Put(1)
            $queue.Put(2, 1)
            Get-ThrownType { $queue.Put(3, 0.2) } | Should -Be 'System.TimeoutException'
            $queue.Get() | Should -Be 1
            $queue.Put(3, 1)
            $queue.Count | Should -Be 2
        }

        It 'after Close refuses puts, then gives what is left, then throws' {
            $queue = New-ProcessQueue
            $queue.Put('left')
            $queue.Close()
            Get-ThrownType { $queue.Put('late') } | Should -Be 'System.InvalidOperationException'
            $queue.Get() | Should -Be 'left'
            Get-ThrownType { $queue.Get() } | Should -Be 'System.InvalidOperationException'
        }
    }

    Context 'between processes' {
        It 'carries items from a worker to the session' {
            $queue = New-ProcessQueue
            $worker = Start-WorkerProcess -ArgumentList $queue { param($q) 1..100 | ForEach-Object { $q.Put($_) } }
            $got = 1..100 | ForEach-Object { $queue.Get(60) }
            $got | Should -Be (1..100)
            $worker | Wait-WorkerProcess -Timeout 60 | Out-Null
            $worker.State | Should -Be 'Completed'
        }

        It 'carries items from the session to a worker' {
            $queue = New-ProcessQueue
            $worker = Start-WorkerProcess -ArgumentList $queue { param($q) $sum = 0; for ($i = 0; $i -lt 50; $i++) { $sum += $q.Get(60) }; $sum }
            1..50 | ForEach-Object { $queue.Put($_) }
            $worker | Wait-WorkerProcess -Timeout 60 | Should -Be 1275
        }

        It 'gives each item to exactly one of two pool workers draining it' {
            $queue = New-ProcessQueue
            1..200 | ForEach-Object { $queue.Put($_) }
            $queue.Close()
            $taken = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                $q = $using:queue
                $mine = [System.Collections.Generic.List[object]]::new()
                try { while ($true) { $mine.Add($q.Get()) } } catch [System.InvalidOperationException] { }
                , $mine.ToArray()
            }
            $all = @($taken[0]) + @($taken[1])
            $all.Count | Should -Be 200
            ($all | Sort-Object) | Should -Be (1..200)
        }

        It 'counts TaskDone calls, so that Join returns once every item is done' {
            $queue = New-ProcessQueue
            1..5 | ForEach-Object { $queue.Put($_) }
            $queue.Join(0.2) | Should -BeFalse
            $worker = Start-WorkerProcess -ArgumentList $queue { param($q) for ($i = 0; $i -lt 5; $i++) { $null = $q.Get(60); $q.TaskDone() } }
            $queue.Join(60) | Should -BeTrue
            $worker | Wait-WorkerProcess -Timeout 60 | Out-Null
            Get-ThrownType { $queue.TaskDone() } | Should -Be 'System.InvalidOperationException'
        }

        It 'makes a worker Put on a full queue wait, and time out' {
            $queue = New-ProcessQueue -MaxSize 1
            $queue.Put('full')
            $worker = Start-WorkerProcess -ArgumentList $queue {
                param($q)
                try { $q.Put('late', 0.3); 'put' } catch { $_.Exception.GetBaseException().GetType().Name }
                $q.Put('waited', 60)
                'done'
            }
            Wait-Until -TimeoutSeconds 60 { $worker.HasMoreData } | Should -BeTrue
            $queue.Get() | Should -Be 'full'
            $worker | Wait-WorkerProcess -Timeout 60 | Should -Be @('TimeoutException', 'done')
            $queue.Get(1) | Should -Be 'waited'
        }

        It 'gives a worker what is left after Close, then an InvalidOperationException' {
            $queue = New-ProcessQueue
            $queue.Put('a'); $queue.Put('b'); $queue.Close()
            $worker = Start-WorkerProcess -ArgumentList $queue {
                param($q)
                $q.Get(); $q.Get()
                try { $q.Get(); 'more' } catch { $_.Exception.GetBaseException().GetType().Name }
            }
            $worker | Wait-WorkerProcess -Timeout 60 | Should -Be @('a', 'b', 'InvalidOperationException')
        }

        It 'carries rich objects as items do' {
            $queue = New-ProcessQueue
            $when = [datetime]'2024-02-29T12:34:56'
            $worker = Start-WorkerProcess -ArgumentList $queue, $when {
                param($q, $when)
                $q.Put([pscustomobject]@{ Name = 'x'; Values = @(1, 2, 3); Nested = @{ Key = 'v' }; When = $when })
                $q.Put((Get-Item -LiteralPath $PSHOME))
            }
            $first = $queue.Get(60)
            $first.Name | Should -Be 'x'
            $first.Values | Should -Be @(1, 2, 3)
            $first.Nested.Key | Should -Be 'v'
            $first.When | Should -Be $when
            $second = $queue.Get(60)
            $second.PSObject.TypeNames | Should -Contain 'Deserialized.System.IO.DirectoryInfo'
            $second.FullName | Should -Be (Get-Item -LiteralPath $PSHOME).FullName
            $worker | Wait-WorkerProcess -Timeout 60 | Out-Null
        }

        It 'reaches pool workers by $using: and by -InitializationArgumentList' {
            $viaUsing = New-ProcessQueue
            $viaInit = New-ProcessQueue
            $pool = New-ProcessPool -ProcessCount 1 -InitializationArgumentList $viaInit -InitializationScript {
                param($q) $global:InitQueue = $q
            }
            try {
                1..3 | Invoke-ProcessPoolMap -Pool $pool { ($using:viaUsing).Put($_ * 10); $global:InitQueue.Put($_) }
                1..3 | ForEach-Object { $viaUsing.Get(5) } | Should -Be @(10, 20, 30)
                1..3 | ForEach-Object { $viaInit.Get(5) } | Should -Be @(1, 2, 3)
                Invoke-ProcessPoolApply -Pool $pool { $global:InitQueue.GetType().FullName } | Should -Be 'ProcCmdlets.ProcessQueue'
            }
            finally {
                Remove-ProcessPool -Pool $pool -Force
            }
        }

        It 'passes a queue as an input item and through another queue' {
            $outer = New-ProcessQueue
            $inner = New-ProcessQueue
            $outer.Put($inner)
            $null = 1 | Invoke-ProcessPoolMap -Pool $script:pool { ($using:outer).Get(5).Put("inner from $_") }
            $inner.Get(5) | Should -Be 'inner from 1'
            $result = $outer, $outer | Invoke-ProcessPoolMap -Pool $script:pool { $_.Id }
            $result | Should -Be @($outer.Id, $outer.Id)
        }
    }

    Context 'faults' {
        It 'ends a worker blocked in Get promptly when it is stopped, and loses no later item' {
            $queue = New-ProcessQueue
            $worker = Start-WorkerProcess -ArgumentList $queue { param($q) 'waiting'; $q.Get() }
            Wait-Until -TimeoutSeconds 60 { $worker.HasMoreData } | Should -BeTrue
            Start-Sleep -Milliseconds 300
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            Stop-WorkerProcess -Worker $worker
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 20
            $worker.State | Should -Be 'Stopped'
            $queue.Put('after')
            $queue.Get(1) | Should -Be 'after'
        }

        It 'ends a blocking Get in a map item by -TimeoutSeconds, and loses no later item' {
            $queue = New-ProcessQueue
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $null = 1 | Invoke-ProcessPoolMap -Pool $script:pool -TimeoutSeconds 2 { ($using:queue).Get() } -ErrorVariable failures -ErrorAction SilentlyContinue
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 60
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimeout*'
            $queue.Put('after')
            $queue.Get(1) | Should -Be 'after'
        }

        It 'withdraws a Get that a stopped map item makes in its finally block: the worker goes on, and no later item is handed to it' {
            # The stop looks at the calls waiting when it arrives; this Get starts after that look.
            $pool = New-ProcessPool -ProcessCount 1
            try {
                $queue = New-ProcessQueue
                $sleeping = New-ProcessEvent
                $job = Invoke-ProcessPoolMap -Pool $pool -InputObject 1 -AsJob -ArgumentList $queue, $sleeping {
                    param($item, $q, $e)
                    try { $e.Set(); Start-Sleep -Seconds 300 } finally { $null = $q.Get() }
                }
                $sleeping.Wait(120) | Should -BeTrue
                Stop-Job -Job $job
                Remove-Job -Job $job -Force

                # Before, the worker waited in that Get for good: the next map never ran, and the
                # item put next went to code that was ending.
                $next = Invoke-ProcessPoolMap -Pool $pool -InputObject 2 -AsJob { $_ * 10 }
                Wait-Job -Job $next -Timeout 120 | Should -Not -BeNullOrEmpty -Because 'the pool''s one worker should be free again'
                Receive-Job -Job $next | Should -Be 20
                Remove-Job -Job $next -Force
                $queue.Put('after')
                $queue.Get(10) | Should -Be 'after'
            }
            finally {
                Remove-ProcessPool -Pool $pool -Force
            }
        }
    }
}
