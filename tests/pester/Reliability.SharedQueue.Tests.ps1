#Requires -Version 7.0
# Conservation of a shared queue's items while workers are ended at moments the test picks: item
# timeouts, Stop-WorkerProcess -Force and kill -9 from outside, many of them while a consumer is
# blocked in Get with a put racing the end. Afterwards every item known to be put was output by an
# item, is still in the queue, or was received by the code of an item that was ended before it could
# output it; none comes out twice. docs/protocol.md, "Delivery".

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Get-ProcessPool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
    Assert-NoWorkerLeft
}

Describe 'A shared queue under workers that are ended' {
    It 'loses no item and gives none twice over 25 seconds of timeouts, forced stops and kills' {
        $queue = New-ProcessQueue
        # Consumers note each item they receive, before doing anything else with it: an item whose
        # receiver was then ended is one its code had.
        $received = New-ProcessDictionary
        # The consumer blocked in Get, by worker process id, so that the test can end it there.
        $waiting = New-ProcessDictionary
        $pool = New-ProcessPool -ProcessCount 4 -Name 'Conservation'
        $known = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        $outputs = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        $events = [System.Collections.Concurrent.ConcurrentDictionary[string, int]]::new()

        $consume = {
            param($queue, $received, $waiting, [int] $count)
            for ($i = 0; $i -lt $count; $i++) {
                $token = "$PID-$([guid]::NewGuid().ToString('n'))"
                $waiting[$PID] = $token
                $item = $queue.Get()
                $received[$token] = $item
                $null = $waiting.Remove($PID)
                "C:$item"
            }
        }.ToString()

        # Ends workers from another runspace while the session maps: a kill -9 of a pool worker
        # blocked in Get with a put just before it, a Stop-WorkerProcess -Force of a worker blocked in
        # Get with a put just before it, or a plain put that races the item timeouts of the maps.
        $ender = New-ProcCmdletsPowerShell -NoWarmSpare
        $null = $ender.AddScript({
                param($queue, $received, $waiting, $pool, $known, $outputs, $events, $consume, [int] $seconds)
                $random = [System.Random]::new(25)
                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $n = 0
                while ($stopwatch.Elapsed.TotalSeconds -lt $seconds) {
                    Start-Sleep -Milliseconds $random.Next(50, 300)
                    $n++
                    if ($n % 6 -eq 0 -and $stopwatch.Elapsed.TotalSeconds -lt $seconds - 10) {
                        $worker = Start-WorkerProcess -ArgumentList $queue, $received, $waiting, 1 ([scriptblock]::Create($consume))
                        $deadline = [DateTime]::UtcNow.AddSeconds(60)
                        while (-not $waiting.ContainsKey($worker.ProcessId) -and $worker.State -eq 'Running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
                        $queue.Put("S-$n"); $known.Enqueue("S-$n")
                        Stop-WorkerProcess -Worker $worker -Force
                        $null = $events.AddOrUpdate('Stop-WorkerProcess -Force', 1, { param($k, $v) $v + 1 })
                        foreach ($line in @($worker | Receive-WorkerProcess -ErrorAction SilentlyContinue)) { $outputs.Enqueue($line) }
                        $worker | Remove-WorkerProcess -Force
                    }
                    elseif ($n % 2 -eq 0) {
                        # A pool worker blocked in Get, if one comes within five seconds (workers restart slowly on a busy machine).
                        $deadline = [DateTime]::UtcNow.AddSeconds(5)
                        do {
                            $workers = @($pool.WorkerProcessIds)
                            $blocked = @($waiting.Keys | Where-Object { $workers -contains [int] $_ })
                            if ($blocked.Count -eq 0) { Start-Sleep -Milliseconds 20 }
                        } while ($blocked.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline)
                        # Else any worker of the pool, busy or starting.
                        $what = if ($blocked.Count) { 'kill -9 blocked in Get' } else { 'kill -9' }
                        if (-not $blocked.Count) { $blocked = $workers }
                        if (-not $blocked.Count) { continue }
                        $target = [int] $blocked[$random.Next($blocked.Count)]
                        $queue.Put("K-$n"); $known.Enqueue("K-$n")
                        try { [System.Diagnostics.Process]::GetProcessById($target).Kill(); $null = $events.AddOrUpdate($what, 1, { param($k, $v) $v + 1 }) } catch { }
                    }
                    else { $queue.Put("P-$n"); $known.Enqueue("P-$n") }
                }
            }).AddArgument($queue).AddArgument($received).AddArgument($waiting).AddArgument($pool).AddArgument($known).AddArgument($outputs).
            AddArgument($events).AddArgument($consume).AddArgument(25)
        $async = $ender.BeginInvoke()

        try {
            # Rounds of maps on four workers: producers put items of their own (8 a round), consumers
            # want three times that (24), more than the ender puts in a consumer's 2 s, so that some
            # block until the ender's puts come and others are ended by -TimeoutSeconds, on an idle
            # machine as on a busy one.
            $round = 0
            while (-not $async.IsCompleted) {
                $round++
                $items = foreach ($i in 1..8) { if ($i % 4 -eq 0) { 'produce' } else { 'consume' } }
                $lines = $items | Invoke-ProcessPoolMap -Pool $pool -TimeoutSeconds 2 -ChunkSize 1 -ErrorVariable failed -ErrorAction SilentlyContinue {
                    if ($_ -eq 'produce') {
                        for ($i = 0; $i -lt 4; $i++) {
                            $id = "W-$PID-$([guid]::NewGuid().ToString('n'))"
                            ($using:queue).Put($id)
                            "P:$id"
                            Start-Sleep -Milliseconds 20
                        }
                    }
                    else {
                        & ([scriptblock]::Create($using:consume)) $using:queue $using:received $using:waiting 4
                    }
                }
                foreach ($line in $lines) { $outputs.Enqueue($line) }
                $timeouts = @($failed | Where-Object FullyQualifiedErrorId -Like 'OperationTimeout*').Count
                if ($timeouts) { $null = $events.AddOrUpdate('item timeout', $timeouts, { param($k, $v) $v + $timeouts }) }
            }
            $ender.EndInvoke($async)
            $ender.Streams.Error | Should -BeNullOrEmpty
        }
        finally {
            if (-not $async.IsCompleted) { $ender.Stop() }
            $ender.Runspace.Close(); $ender.Dispose()
        }

        Remove-ProcessPool -Pool $pool -Force

        # What producers output was put; what consumers output was received and finished with.
        $putByWorkers = @($outputs | Where-Object { $_ -like 'P:*' } | ForEach-Object { $_.Substring(2) })
        $consumed = @($outputs | Where-Object { $_ -like 'C:*' } | ForEach-Object { $_.Substring(2) })
        $left = [System.Collections.Generic.List[string]]::new()
        while ($true) {
            try { $left.Add($queue.Get(0)) } catch { break }
        }
        $receivedByEnded = @($received.ToHashtable().Values | Where-Object { $consumed -notcontains $_ })

        $found = @($consumed) + @($left)
        $twice = @($found | Group-Object | Where-Object Count -GT 1 | ForEach-Object Name)
        $twice | Should -BeNullOrEmpty -Because 'no item may come out of the queue twice'
        $lost = @(@($known) + $putByWorkers | Where-Object { $found -notcontains $_ -and $receivedByEnded -notcontains $_ })
        # A K- item is put just before a kill -9 of a consumer blocked in Get. When the kill lands
        # after that consumer's code had the item (its acknowledgement written) and before the
        # consumer's next call recorded the receipt, the item was used, as the guarantee allows (at
        # most once), but the test cannot see it. The consumer is still listed as waiting until that
        # record is made, so the item it had may also be one put earlier (a P-, S- or W- item at the
        # head of the queue; seen under Wine, where the window is wider). Most such kills land
        # before the acknowledgement, and the item comes back (the session warns); if unacknowledged
        # items were not given back, most K- items would be missing, so only a few may be.
        $usedUnseen = @($lost)
        $usedUnseen.Count | Should -BeLessOrEqual ([math]::Max(1, [math]::Floor([int] $events['kill -9 blocked in Get'] / 4))) -Because "every item put was output, is still queued, or was received by an item that was ended, but for an item a killed consumer's code already had ($($events.Keys | ForEach-Object { "$_ $($events[$_])" }); missing: $($usedUnseen -join ', '))"

        # The ends the test meant to cause happened, with a consumer blocked in Get for most.
        $events['item timeout'] | Should -BeGreaterThan 0
        $events['kill -9'] + $events['kill -9 blocked in Get'] | Should -BeGreaterThan 0 -Because ($events.Keys -join '; ')
        $events['Stop-WorkerProcess -Force'] | Should -BeGreaterThan 0
        Write-Host "Conservation: $round rounds; $(($events.Keys | ForEach-Object { "$_ $($events[$_])" }) -join ', '); $(@($known).Count + $putByWorkers.Count) put, $($consumed.Count) consumed, $($left.Count) left, $($receivedByEnded.Count) received by ended items, $($usedUnseen.Count) taken by a killed consumer before its receipt"
    }
}
