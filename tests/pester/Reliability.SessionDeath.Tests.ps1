#Requires -Version 7.0
# Reliability: the PowerShell process that started the workers dies (kill -9), a map is stopped
# with Ctrl+C, a runspace that owns a pool and a worker closes.
# API.md, "Faults": if the PowerShell process that started a worker dies, even by kill -9, the
# worker notices and exits within a few seconds; Ctrl+C stops a map promptly and leaves no worker
# of a temporary pool behind; when the session (runspace) closes, its pools and workers end with it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest

    # Starts a separate PowerShell process running $Command; its console output is not shown.
    function Start-ChildPowerShell {
        param([Parameter(Mandatory)] [string] $Command)

        $process = [System.Diagnostics.Process]::Start((New-PwshStartInfo '-Command', $Command))
        # Drained so that the child never blocks on a full pipe.
        [pscustomobject]@{
            Process = $process
            Output  = $process.StandardOutput.ReadToEndAsync()
            Error   = $process.StandardError.ReadToEndAsync()
        }
    }

    # Starts a [powershell] pipeline in an instance and waits until $Ready is true (or 60 s).
    function Start-InInstance {
        param([powershell] $Instance, [string] $Script, [scriptblock] $Ready = { $true })

        $Instance.Commands.Clear()
        $Instance.Streams.ClearStreams()
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $null = $Instance.AddScript($Script)
        $async = $Instance.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        $state = [pscustomobject]@{ Async = $async; Output = $output }
        $null = Wait-Until -TimeoutSeconds 60 { & $Ready $state }
        $state
    }

    # Ctrl+C: stops the instance's pipeline; returns the seconds it took, or $null after 10 s.
    function Stop-Instance {
        param([powershell] $Instance)

        $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
        $stopped = $Instance.BeginStop($null, $null).AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(10))
        $stopwatch.Stop()
        if ($stopped) { $stopwatch.Elapsed.TotalSeconds } else { $null }
    }

    function Invoke-InInstance {
        param([powershell] $Instance, [string] $Script)

        $Instance.Commands.Clear()
        $Instance.Streams.ClearStreams()
        $null = $Instance.AddScript($Script)
        $Instance.Invoke()
    }

    function Close-Instance {
        param([powershell] $Instance)

        $null = $Instance.Runspace.CloseAsync()
        $null = Wait-Until -TimeoutSeconds 30 { $Instance.Runspace.RunspaceStateInfo.State -in 'Closed', 'Broken' }
        $Instance.Dispose()
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Reliability: the PowerShell process that started the workers is killed' {
    It 'kill -9 of a session whose pool and worker are <Name>: every worker process is gone within 5 s' -ForEach @(
        @{ Name = 'idle'; Then = 'Start-Sleep -Seconds 300' }
        @{ Name = 'busy running items'; Then = '$null = 1..100000 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { Start-Sleep -Milliseconds 50; $_ }' }
    ) {
        $pidFile = Join-Path $TestDrive "session-$($Name -replace '\W', '-').pids"
        $command = @'
$ErrorActionPreference = 'Stop'
Import-Module '{0}'
$pool = New-ProcessPool -ProcessCount 2
$null = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {{ $PID }}
$worker = Start-WorkerProcess {{ Start-Sleep -Seconds 300 }}
$ids = @($pool.WorkerProcessIds) + $worker.ProcessId
[System.IO.File]::WriteAllText('{1}.tmp', ($ids -join ','))
[System.IO.File]::Move('{1}.tmp', '{1}')
{2}
'@ -f (Get-ProcCmdletsModulePath).Replace("'", "''"), $pidFile.Replace("'", "''"), $Then

        $child = Start-ChildPowerShell -Command $command
        $workerIds = @()
        try {
            # The child's own start, its pool's and its worker's: over a minute on a loaded machine. The
            # wait ends when the file appears or the child exits; the bound only keeps a hang finite.
            $written = Wait-Until -TimeoutSeconds 300 { (Test-Path -LiteralPath $pidFile) -or $child.Process.HasExited }
            $written | Should -BeTrue
            $child.Process.HasExited | Should -BeFalse -Because "the child session should still run (its errors: $(if ($child.Process.HasExited) { $child.Error.Result }))"
            $workerIds = @((Get-Content -LiteralPath $pidFile -Raw).Split(',') | ForEach-Object { [int] $_ })
            # Any other worker the session started (a warm spare) must end as well.
            $workerIds = @($workerIds + @(Get-WorkerChildProcess -ParentProcessId $child.Process.Id).ProcessId | Sort-Object -Unique)
            $workerIds.Count | Should -BeGreaterOrEqual 3
            if ($Name -ne 'idle') {
                Start-Sleep -Seconds 2
            }
            foreach ($id in $workerIds) {
                Test-ProcessAlive -ProcessId $id | Should -BeTrue -Because "worker $id should run before its session is killed"
            }

            Stop-Process -Id $child.Process.Id -Force
            $child.Process.WaitForExit(10000) | Should -BeTrue
            $killed = [System.Diagnostics.Stopwatch]::StartNew()

            $gone = Wait-Until -TimeoutSeconds 5 -IntervalMilliseconds 100 {
                @($workerIds | Where-Object { Test-ProcessAlive -ProcessId $_ }).Count -eq 0
            }
            $left = @($workerIds | Where-Object { Test-ProcessAlive -ProcessId $_ })
            Write-Host ("    workers gone {0:N1} s after the session's exit" -f $killed.Elapsed.TotalSeconds)
            $gone | Should -BeTrue -Because "worker processes $($left -join ', ') should have exited after their session was killed"
        }
        finally {
            if (-not $child.Process.HasExited) {
                Stop-Process -Id $child.Process.Id -Force -ErrorAction SilentlyContinue
            }
            # Ends what this test started if the product left it running.
            foreach ($id in $workerIds) {
                if (Test-ProcessAlive -ProcessId $id) {
                    Stop-Process -Id $id -Force -ErrorAction SilentlyContinue
                }
            }
            $child.Process.Dispose()
        }
    }
}

Describe 'Reliability: Ctrl+C' {
    It 'stops a map on a temporary pool whose items are all mid-run within 10 s and leaves no worker process behind' {
        $before = @(Get-WorkerChildProcess).ProcessId
        $instance = New-ProcCmdletsPowerShell -NoWarmSpare
        try {
            $run = Start-InInstance -Instance $instance -Script '1..100 | Invoke-ProcessPoolMap -ProcessCount 2 -ChunkSize 1 { if ($_ -gt 2) { Start-Sleep -Seconds 60 }; $_ }' -Ready {
                param($state) $state.Output.Count -ge 2
            }
            $run.Output.Count | Should -Be 2
            # Both workers are now in a 60 s sleep.
            Start-Sleep -Milliseconds 500
            $busy = @(Get-WorkerChildProcess | Where-Object ProcessId -NotIn $before).ProcessId
            $busy.Count | Should -BeGreaterOrEqual 2

            $seconds = Stop-Instance -Instance $instance
            Write-Host ("    Ctrl+C took {0:N1} s" -f $seconds)

            $seconds | Should -Not -BeNullOrEmpty -Because 'Ctrl+C should stop the map'
            $seconds | Should -BeLessThan 10
            $instance.InvocationStateInfo.State | Should -Be 'Stopped'
            Wait-Until -TimeoutSeconds 10 { @($busy | Where-Object { Test-ProcessAlive -ProcessId $_ }).Count -eq 0 } | Should -BeTrue
            @(Get-WorkerChildProcess | Where-Object ProcessId -NotIn $before) | Should -BeNullOrEmpty
        }
        finally {
            Close-Instance $instance
        }
    }

    It 'stops a map on a pool of one''s own within 10 s; the pool stays Running with its workers and runs the next map at once' {
        $instance = New-ProcCmdletsPowerShell -NoWarmSpare
        try {
            $null = Invoke-InInstance -Instance $instance -Script '$pool = New-ProcessPool -ProcessCount 2; $null = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { $_ }'
            # Items 1 and 2 are quick, so the pool may queue a second item on each worker.
            $run = Start-InInstance -Instance $instance -Script '1..100 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { if ($_ -gt 2) { Start-Sleep -Seconds 30 }; $_ }' -Ready {
                param($state) $state.Output.Count -ge 2
            }
            $run.Output.Count | Should -Be 2
            Start-Sleep -Milliseconds 500

            $seconds = Stop-Instance -Instance $instance
            Write-Host ("    Ctrl+C took {0:N1} s" -f $seconds)

            $seconds | Should -Not -BeNullOrEmpty -Because 'Ctrl+C should stop the map'
            $seconds | Should -BeLessThan 10
            $after = Invoke-InInstance -Instance $instance -Script @'
$deadline = [DateTime]::UtcNow.AddSeconds(30)
while (@($pool.WorkerProcessIds).Count -ne 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
$stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
$next = @(1..5 | Invoke-ProcessPoolMap -Pool $pool { $_ * 3 })
[pscustomobject]@{ State = "$($pool.State)"; Workers = @($pool.WorkerProcessIds).Count; Next = $next; Seconds = $stopwatch.Elapsed.TotalSeconds }
'@
            Write-Host ("    the next map took {0:N1} s" -f $after[0].Seconds)
            $after[0].State | Should -Be 'Running'
            $after[0].Workers | Should -Be 2
            $after[0].Next | Should -Be @(3, 6, 9, 12, 15)
            $after[0].Seconds | Should -BeLessThan 15 -Because 'no item of the stopped map should still occupy a worker'
        }
        finally {
            Close-Instance $instance
        }
    }

    It 'a Start-WorkerProcess worker survives Ctrl+C of <Name> in the same runspace' -ForEach @(
        @{ Name = 'Start-Sleep'; Script = 'Start-Sleep -Seconds 60'; Ready = { param($state) $true } }
        @{ Name = 'Wait-WorkerProcess on that worker'; Script = 'Wait-WorkerProcess -Worker $worker'; Ready = { param($state) $true } }
        @{ Name = 'a map on a temporary pool'; Script = '1..100 | Invoke-ProcessPoolMap -ProcessCount 1 -ChunkSize 1 { Start-Sleep -Milliseconds 200; $_ }'; Ready = { param($state) $state.Output.Count -ge 1 } }
    ) {
        $instance = New-ProcCmdletsPowerShell -NoWarmSpare
        try {
            $workerId = @(Invoke-InInstance -Instance $instance -Script '$worker = Start-WorkerProcess { Start-Sleep -Seconds 120 }; $worker.ProcessId')[0]
            Test-ProcessAlive -ProcessId $workerId | Should -BeTrue
            $null = Start-InInstance -Instance $instance -Script $Script -Ready $Ready
            Start-Sleep -Milliseconds 500

            $seconds = Stop-Instance -Instance $instance

            $seconds | Should -Not -BeNullOrEmpty
            $seconds | Should -BeLessThan 10
            Start-Sleep -Milliseconds 500
            Test-ProcessAlive -ProcessId $workerId | Should -BeTrue -Because 'Ctrl+C of another command must not end the worker'
            $state = Invoke-InInstance -Instance $instance -Script '"$($worker.State)"; $worker.ProcessId; @(Get-Job -Id $worker.Id).Count'
            $state[0] | Should -Be 'Running'
            $state[1] | Should -Be $workerId
            $state[2] | Should -Be 1
        }
        finally {
            Close-Instance $instance
        }
        Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $workerId) } | Should -BeTrue
    }
}

Describe 'Reliability: a runspace that owns a pool and a worker closes' {
    It 'closing it <Name> ends the pool''s and the worker''s processes' -ForEach @(
        @{ Name = 'while they are idle'; Busy = $false }
        @{ Name = 'while a map runs'; Busy = $true }
    ) {
        $instance = New-ProcCmdletsPowerShell -NoWarmSpare
        $ids = @()
        try {
            $ids = @(Invoke-InInstance -Instance $instance -Script @'
$pool = New-ProcessPool -ProcessCount 2
$null = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { $_ }
$worker = Start-WorkerProcess { Start-Sleep -Seconds 300 }
@($pool.WorkerProcessIds) + $worker.ProcessId
'@)
            $ids | Should -HaveCount 3
            if ($Busy) {
                $null = Start-InInstance -Instance $instance -Script '1..100000 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { Start-Sleep -Milliseconds 50; $_ }' -Ready {
                    param($state) $state.Output.Count -ge 4
                }
            }
            foreach ($id in $ids) {
                Test-ProcessAlive -ProcessId $id | Should -BeTrue
            }

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $null = $instance.Runspace.CloseAsync()
            $closed = Wait-Until -TimeoutSeconds 30 { $instance.Runspace.RunspaceStateInfo.State -in 'Closed', 'Broken' }
            $stopwatch.Stop()

            $closed | Should -BeTrue
            $gone = Wait-Until -TimeoutSeconds 10 { @($ids | Where-Object { Test-ProcessAlive -ProcessId $_ }).Count -eq 0 }
            $gone | Should -BeTrue -Because "processes $(@($ids | Where-Object { Test-ProcessAlive -ProcessId $_ }) -join ', ') should have ended with their runspace"
            Write-Host ("    runspace closed {0} in {1:N1} s" -f $Name, $stopwatch.Elapsed.TotalSeconds)
        }
        finally {
            Close-Instance $instance
        }
    }
}

Describe 'Reliability: cleanup' {
    It 'leaves no worker process behind' {
        Assert-NoWorkerLeft
    }
}
