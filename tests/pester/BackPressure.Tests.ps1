#Requires -Version 7.0
# Back-pressure: a consumer slower than the workers pauses them through the channel.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:pool = New-ProcessPool -ProcessCount 2 -Name 'BackPressureTestPool'
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Back-pressure' {
    It 'drops and reorders nothing when the consumer is slower than the workers' {
        $state = @{ Count = 0; Bad = 0; Last = @{} }
        1..4 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
            $pad = 'x' * 1024
            for ($i = 0; $i -lt 10000; $i++) { "${_}:${i}:$pad" }
        } | ForEach-Object {
            $parts = $_.Split(':', 3)
            $item = [int] $parts[0]
            $index = [int] $parts[1]
            # Input order: item by item, each item's lines in order.
            $expectedItem = [math]::Floor($state.Count / 10000) + 1
            if ($item -ne $expectedItem -or $index -ne $state.Count % 10000 -or $parts[2].Length -ne 1024) { $state.Bad++ }
            $state.Count++
            if ($state.Count % 400 -eq 0) { Start-Sleep -Milliseconds 10 }
        }

        $state.Bad | Should -Be 0
        $state.Count | Should -Be 40000
    }

    It 'keeps the session''s memory bounded while one item writes 200 MB into a slow consumer' {
        [GC]::Collect()
        [GC]::WaitForPendingFinalizers()
        [GC]::Collect()
        $state = @{ Count = 0; Base = [Environment]::WorkingSet; Peak = [Environment]::WorkingSet }
        1 | Invoke-ProcessPoolMap -Pool $script:pool {
            $pad = 'x' * 1024
            for ($i = 0; $i -lt 200000; $i++) { $pad }
        } | ForEach-Object {
            $state.Count++
            if ($state.Count % 500 -eq 0) {
                Start-Sleep -Milliseconds 10
                $state.Peak = [math]::Max($state.Peak, [Environment]::WorkingSet)
            }
        }

        $state.Count | Should -Be 200000
        $growthMB = ($state.Peak - $state.Base) / 1MB
        Write-Host "    session working set grew $([math]::Round($growthMB)) MB for 200 MB of output"
        # Without back-pressure it grew about 305 MB here; with it, 64 MB is the aim. A generous bound for a busy machine.
        $growthMB | Should -BeLessThan 150
    }

    It 'Select-Object -First still stops the map at once' {
        $stopwatch = [Diagnostics.Stopwatch]::StartNew()
        $first = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
            $pad = 'x' * 1024
            for ($i = 0; $i -lt 10000000; $i++) { "${_}:${i}:$pad" }
        } | Select-Object -First 5
        $stopwatch.Stop()

        $first | Should -HaveCount 5
        $first[0] | Should -BeLike '1:0:*'
        $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 20

        # The workers were stopped, not left paused: the pool runs the next map at once.
        $again = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool { $_ * 2 }
        $again | Should -Be @(2, 4, 6, 8)
    }

    It 'drops nothing when unordered output of a large item meets a slow consumer' {
        $state = @{ Count = 0; Bad = 0; Current = -1; Seen = @{} }
        1..3 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 -Unordered {
            $pad = 'x' * 1024
            for ($i = 0; $i -lt 15000; $i++) { "${_}:${i}:$pad" }
        } | ForEach-Object {
            $parts = $_.Split(':', 3)
            $item = [int] $parts[0]
            $index = [int] $parts[1]
            # One item's lines together and in order.
            if ($index -eq 0) {
                if ($state.Seen.ContainsKey($item)) { $state.Bad++ }
                $state.Seen[$item] = $true
                $state.Current = $item
            } elseif ($item -ne $state.Current) { $state.Bad++ }
            $state.Count++
            if ($state.Count % 400 -eq 0) { Start-Sleep -Milliseconds 10 }
        }

        $state.Bad | Should -Be 0
        $state.Count | Should -Be 45000
        $state.Seen.Count | Should -Be 3
    }
}
