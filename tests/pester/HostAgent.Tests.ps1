#Requires -Version 7.0
# The host agent (docs/protocol.md, "The host agent"; API.md, "Workers on other machines"): one
# ssh connection per host carries all of that host's workers; a worker's fault stays its own and is
# healed through the agent; a lost connection ends every worker of that host on the host, and the
# pool goes on. Against the private sshd of SshTestHost.psm1 (127.0.0.2 and 127.0.0.3).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    $script:skipReason = Get-SshTestHostSkipReason
    if ($script:skipReason) { Write-Warning "HostAgent tests skipped: $script:skipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    Import-ProcCmdletsForTest
    $script:ssh = $null
    if (-not (Get-SshTestHostSkipReason)) {
        $script:ssh = Start-SshTestHost
    }

    function Get-SshParameter { Get-SshTestParameter -SshHost $script:ssh }

    # Every process an ssh login to $Server started, on the (loopback) host: sshd gives them all its SSH_CONNECTION.
    function Get-LoginProcess {
        param([string] $Server)
        foreach ($dir in [System.IO.Directory]::GetDirectories('/proc')) {
            $id = Split-Path $dir -Leaf
            if ($id -notmatch '^\d+$' -or [int] $id -eq $PID) { continue }
            try { $environment = [System.IO.File]::ReadAllText("$dir/environ") } catch { continue }
            foreach ($entry in $environment.Split([char] 0)) {
                if ($entry.StartsWith('SSH_CONNECTION=') -and ($entry.Substring(15) -split ' ')[2] -eq $Server) {
                    [pscustomobject]@{ Id = [int] $id; Connection = $entry.Substring(15) }
                }
            }
        }
    }

    # The local ssh clients of this test host connected to $Server.
    function Get-SshClientTo {
        param([string] $Server)
        @(Get-SshTestClient $script:ssh | Where-Object {
                try { [System.IO.File]::ReadAllText("/proc/$_/cmdline").Split([char] 0) -contains $Server } catch { $false }
            })
    }

    # Kills, from another runspace, the process whose id an item writes to $Path (or, with -Ssh, the ssh client to that host).
    function Start-FileTriggeredKill {
        param([string] $Path, [int[]] $ProcessId)
        $instance = [powershell]::Create()
        $null = $instance.AddScript({
                param($Path, $ProcessId)
                $deadline = [DateTime]::UtcNow.AddSeconds(120)
                while (-not (Test-Path -LiteralPath $Path) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                if (-not $ProcessId) {
                    Start-Sleep -Milliseconds 200
                    $ProcessId = [int] (Get-Content -LiteralPath $Path -Raw)
                }
                foreach ($id in $ProcessId) { & kill -9 $id }
                $ProcessId
            }).AddArgument($Path).AddArgument($ProcessId)
        [pscustomobject]@{ Instance = $instance; Async = $instance.BeginInvoke() }
    }

    function Complete-FileTriggeredKill {
        param($Killer)
        try { $Killer.Instance.EndInvoke($Killer.Async) } finally { $Killer.Instance.Dispose() }
    }
}

AfterAll {
    if (Get-Command -Name Get-ProcessPool -Module ProcCmdlets -ErrorAction SilentlyContinue) {
        Get-ProcessPool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
    }
    Stop-SshTestHost $script:ssh
}

Describe 'One connection per host (Linux only: the tests'' private sshd runs there)' -Skip:([bool] $script:skipReason) {
    Context 'A pool of 2 hosts x 3 workers' {
        BeforeEach {
            $connection = Get-SshParameter
            $script:pool = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 3 @connection
            $null = 1..12 | Invoke-ProcessPoolMap -Pool $script:pool { $_ }
        }

        AfterEach {
            $script:pool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
            Wait-Until -TimeoutSeconds 30 { @(Get-SshTestClient $script:ssh).Count -eq 0 -and @(Get-SshTestRemoteWorker $script:ssh).Count -eq 0 } | Should -BeTrue
        }

        It 'runs its six workers over exactly two ssh processes, one login per host' {
            @(Get-SshTestClient $script:ssh) | Should -HaveCount 2
            @(Get-SshClientTo 127.0.0.2) | Should -HaveCount 1
            @(Get-SshClientTo 127.0.0.3) | Should -HaveCount 1
            foreach ($server in '127.0.0.2', '127.0.0.3') {
                @(Get-LoginProcess $server | Select-Object -ExpandProperty Connection -Unique) | Should -HaveCount 1
            }
            # A host's workers after its first start once the first is ready, so on a busy machine the
            # first maps may find only two: map again until more than two have answered.
            $seen = [System.Collections.Generic.List[string]]::new()
            Wait-Until -TimeoutSeconds 120 {
                $seen.AddRange([string[]] @(1..30 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 { Start-Sleep -Milliseconds 100; "$(($env:SSH_CONNECTION -split ' ')[2]) $PID" }))
                @($seen | Sort-Object -Unique).Count -gt 2
            } | Should -BeTrue
            @($seen | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object -Unique) | Should -Be @('127.0.0.2', '127.0.0.3')
            @($script:pool.WorkerProcessIds) | Should -HaveCount 6
            @($script:pool.WorkerProcessIds | Sort-Object -Unique) | Should -HaveCount 2
        }

        It 'carries the session''s functions, ordering and timeouts to agent-started workers as to any worker' {
            function ConvertTo-AgentTwice { param($Value) 2 * $Value }
            $results = 1..24 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 { ConvertTo-AgentTwice $_ }
            $results | Should -Be @(1..24 | ForEach-Object { 2 * $_ })
            $timed = 1..3 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 -TimeoutSeconds 3 {
                if ($_ -eq 2) { Start-Sleep -Seconds 120 }
                $_
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $timed | Should -Be @(1, 3)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimeout,*'
            Wait-Until -TimeoutSeconds 60 { @($script:pool.WorkerProcessIds).Count -eq 6 } | Should -BeTrue
            @(Get-SshTestClient $script:ssh) | Should -HaveCount 2
        }

        It 'a killed remote worker blames only its item, and the pool heals through the agent on the same connection' {
            $clients = @(Get-SshTestClient $script:ssh | Sort-Object)
            $flag = Join-Path $TestDrive 'worker-pid'
            $killer = Start-FileTriggeredKill -Path $flag
            $results = 1..18 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                if ($_ -eq 5) { [System.IO.File]::WriteAllText($using:flag, "$PID"); Start-Sleep -Seconds 60 }
                $_
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $killed = Complete-FileTriggeredKill $killer
            $killed | Should -Not -BeNullOrEmpty
            $results | Should -Be @(1..4 + 6..18)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed,*'
            $failures[0].TargetObject | Should -Be 5
            $failures[0].Exception.Message | Should -Match ' on 127\.0\.0\.[23]'

            Wait-Until -TimeoutSeconds 60 { @($script:pool.WorkerProcessIds).Count -eq 6 } | Should -BeTrue
            @(Get-SshTestClient $script:ssh | Sort-Object) | Should -Be $clients
            # One item per chunk, each long enough that both hosts' ready workers take some. Once, on a
            # loaded machine, one map of 30 ran entirely on one host: map until both have answered.
            $again = [System.Collections.Generic.List[string]]::new()
            Wait-Until -TimeoutSeconds 120 {
                $again.AddRange([string[]] @(1..30 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 { Start-Sleep -Milliseconds 100; ($env:SSH_CONNECTION -split ' ')[2] }))
                @($again | Sort-Object -Unique).Count -eq 2
            } | Should -BeTrue
            @($again | Sort-Object -Unique) | Should -Be @('127.0.0.2', '127.0.0.3')
        }

        It 'a killed ssh client ends every worker of its host on the host; no item is lost, and the host is reconnected' {
            $lost = @(Get-LoginProcess 127.0.0.2)
            $lost.Count | Should -BeGreaterThan 3
            $sshOfHost = @(Get-SshClientTo 127.0.0.2)
            $sshOfHost | Should -HaveCount 1
            $flag = Join-Path $TestDrive 'ssh-kill'
            $killer = Start-FileTriggeredKill -Path $flag -ProcessId $sshOfHost
            $results = 1..40 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                if ($_ -ge 10 -and ($env:SSH_CONNECTION -split ' ')[2] -eq '127.0.0.2') { [System.IO.File]::WriteAllText($using:flag, 'x') }
                Start-Sleep -Milliseconds 300
                $_
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $null = Complete-FileTriggeredKill $killer

            # Each item once: its result, or (the item a worker of the lost host was running) WorkerCrashed naming the host.
            @($failures | ForEach-Object { $_.FullyQualifiedErrorId -like 'WorkerCrashed,*' -and $_.Exception.Message -match 'on 127\.0\.0\.2' }) | Should -Not -Contain $false
            $failures.Count | Should -BeLessOrEqual 3
            @(@($results) + @($failures | ForEach-Object TargetObject) | Sort-Object) | Should -Be @(1..40)

            # Nothing the lost login started is left on the host: the agent ended its workers.
            $ids = $lost.Id
            Wait-Until -TimeoutSeconds 30 { @(Get-LoginProcess 127.0.0.2 | Where-Object { $_.Id -in $ids }).Count -eq 0 } | Should -BeTrue
            Wait-Until -TimeoutSeconds 60 { @($script:pool.WorkerProcessIds).Count -eq 6 } | Should -BeTrue
            # The reconnected host's workers take items once their (cold) pwsh runs.
            Wait-Until -TimeoutSeconds 90 {
                (1..12 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 { Start-Sleep -Milliseconds 200; ($env:SSH_CONNECTION -split ' ')[2] }) -contains '127.0.0.2'
            } | Should -BeTrue
            @(Get-SshTestClient $script:ssh) | Should -HaveCount 2
        }
    }

    Context 'A new pool' {
        It 'New-ProcessPool -HostName returns once each host has answered, before any worker is ready; the first map waits for the first one' {
            # The workers' initialization cannot end before the gate opens, and a worker is ready only
            # after it: a New-ProcessPool that waited for ready workers would give up on both hosts.
            $connection = Get-SshParameter
            $gate = New-ProcessEvent
            $pool = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 2 @connection -InitializationScript { $null = ($using:gate).Wait() }
            try {
                $pool.Hosts | Should -Be @('127.0.0.2', '127.0.0.3')
                @(Get-SshTestClient $script:ssh) | Should -HaveCount 2
                $gate.IsSet | Should -BeFalse
                $gate.Set()
                1..8 | Invoke-ProcessPoolMap -Pool $pool { 2 * $_ } | Should -Be @(2, 4, 6, 8, 10, 12, 14, 16)
            } finally {
                $pool | Remove-ProcessPool -Force
            }
            Wait-Until -TimeoutSeconds 30 { @(Get-SshTestClient $script:ssh).Count -eq 0 -and @(Get-SshTestRemoteWorker $script:ssh).Count -eq 0 } | Should -BeTrue
        }
    }
}
