#Requires -Version 7.0
# Workers on other machines over OpenSSH, against a private sshd listening on 127.0.0.2 and
# 127.0.0.3 (two hosts). API.md, "Workers on other machines": -HostName for New-ProcessPool and
# Start-WorkerProcess; maps, $using:, arguments, streams, faults and timeouts as on one machine;
# ssh never prompts and checks host keys; unreachable hosts give clear errors within the connect
# timeout; nothing is left running on either side.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    $script:skipReason = Get-SshTestHostSkipReason
    if ($script:skipReason) { Write-Warning "RemoteWorkers tests skipped: $script:skipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    Import-ProcCmdletsForTest
    $script:ssh = $null
    if (-not (Get-SshTestHostSkipReason)) {
        $script:ssh = Start-SshTestHost
    }

    # The connection parameters of the private sshd, for splatting.
    function Get-SshParameter([hashtable] $Options, [string] $KeyFilePath) {
        Get-SshTestParameter -SshHost $script:ssh -Options $Options -KeyFilePath $KeyFilePath
    }

    # Kills the given processes once $Path exists (an item writes it), from another runspace.
    function Start-FileTriggeredKill {
        param([string] $Path, [int[]] $ProcessId)

        $instance = [powershell]::Create()
        $null = $instance.AddScript({
                param($Path, $ProcessId)
                $deadline = [DateTime]::UtcNow.AddSeconds(90)
                while (-not (Test-Path -LiteralPath $Path) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                foreach ($id in $ProcessId) { Stop-Process -Id $id -Force -ErrorAction SilentlyContinue }
                $ProcessId.Count
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
    Get-Job | Remove-Job -Force -ErrorAction SilentlyContinue
    Stop-SshTestHost $script:ssh
}

Describe 'Workers on other hosts over OpenSSH (Linux only: the tests'' private sshd runs there)' -Skip:([bool] $script:skipReason) {
    Context 'A pool on two hosts' {
        BeforeAll {
            $connection = Get-SshParameter
            $script:pool = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 2 @connection -Name SshTwoHosts
            # New-ProcessPool returns once each host has answered, and a quick map may then run on
            # the first worker ready: these tests start once a worker of each host has run an item.
            $seen = @{}
            $bothReady = Wait-Until -TimeoutSeconds 120 {
                foreach ($server in @(1..8 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 { Start-Sleep -Milliseconds 50; ($env:SSH_CONNECTION -split ' ')[2] })) { $seen[$server] = $true }
                $seen.Count -eq 2
            }
            $bothReady | Should -BeTrue
        }

        AfterAll {
            $script:pool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
        }

        It 'runs on both hosts, two workers each, and Get-ProcessPool shows the hosts' {
            $script:pool.Hosts | Should -Be @('127.0.0.2', '127.0.0.3')
            $script:pool.ProcessCount | Should -Be 4
            $shown = Get-ProcessPool -Name SshTwoHosts
            $shown.Hosts | Should -Be @('127.0.0.2', '127.0.0.3')
            (Get-ProcessPool -Name SshTwoHosts | Out-String -Width 200) | Should -Match '127\.0\.0\.2'
        }

        It 'maps in order, with items seen on each host ($env:SSH_CONNECTION)' {
            $results = 1..200 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 5 {
                $server = ($env:SSH_CONNECTION -split ' ')[2]
                [pscustomobject]@{ Item = $_; Server = $server }
            }
            ($results | ForEach-Object Item) | Should -Be (1..200)
            @($results.Server | Sort-Object -Unique) | Should -Be @('127.0.0.2', '127.0.0.3')
        }

        It 'fills a session queue from the workers on both hosts, and takes a session lock there' {
            $queue = New-ProcessQueue
            $lock = New-ProcessLock
            $counter = New-ProcessValue 0
            $null = 1..40 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 2 -ArgumentList $queue, $lock, $counter {
                param($item, $q, $l, $c)
                $q.Put([pscustomobject]@{ Item = $item; Server = ($env:SSH_CONNECTION -split ' ')[2] })
                $null = $l.Acquire()
                try { $c.Value = $c.Value + 1 } finally { $l.Release() }
            }

            $taken = 1..40 | ForEach-Object { $queue.Get(30) }
            @($taken | ForEach-Object Item | Sort-Object) | Should -Be (1..40)
            @($taken | ForEach-Object Server | Sort-Object -Unique) | Should -Be @('127.0.0.2', '127.0.0.3')
            $queue.Count | Should -Be 0
            $counter.Value | Should -Be 40 -Because 'no update made under the lock is lost'
        }

        It 'carries $using: values, arguments and every stream' {
            $factor = 7
            $output = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 -ArgumentList 'arg' {
                param($item, $suffix)
                Write-Warning "warn $item"
                Write-Verbose "verbose $item"
                Write-Information "info $item"
                Write-Error "error $item"
                "$($item * $using:factor)-$suffix"
            } -Verbose -ErrorVariable failures -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue -InformationVariable infos -InformationAction SilentlyContinue 4>&1
            $values = $output | Where-Object { $_ -is [string] }
            $values | Should -Be @('7-arg', '14-arg', '21-arg', '28-arg')
            ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'verbose *' }).Message | Should -Be @('verbose 1', 'verbose 2', 'verbose 3', 'verbose 4')
            $warnings.Message | Should -Be @('warn 1', 'warn 2', 'warn 3', 'warn 4')
            ($infos | Where-Object { "$_" -like 'info*' }) | Should -HaveCount 4
            $failures | Should -HaveCount 4
            $failures[0].Exception.Message | Should -Be 'error 1'
        }

        It 'an item that kills its remote worker gives WorkerCrashed naming the host for it alone, and the pool heals' {
            $results = 1..12 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 2 {
                if ($_ -eq 5) { Stop-Process -Id $PID -Force }
                $_
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $results | Should -Be @(1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed,*'
            $failures[0].TargetObject | Should -Be 5
            $failures[0].Exception.Message | Should -Match ' on 127\.0\.0\.[23]'

            $healed = Wait-Until -TimeoutSeconds 60 { @($script:pool.WorkerProcessIds).Count -eq 4 }
            $healed | Should -BeTrue
            # Both hosts serve the healed pool. A map of 40 instant items once went wholly to one host's
            # workers in a full run on a busy 2-core machine, so the items here take a moment each.
            $seen = @{}
            $both = Wait-Until -TimeoutSeconds 60 {
                foreach ($h in (1..8 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 { Start-Sleep -Milliseconds 100; ($env:SSH_CONNECTION -split ' ')[2] })) { $seen[$h] = $true }
                $seen.Count -eq 2
            }
            $both | Should -BeTrue
            @($seen.Keys | Sort-Object) | Should -Be @('127.0.0.2', '127.0.0.3')
        }

        It 'puts no text of the script, its arguments or items on any command line, on either side' {
            $marker = 'pcmarker' + [guid]::NewGuid().ToString('n')
            $flag = Join-Path $TestDrive 'marker-running'
            # Another runspace reads every command line while the items run.
            $scanner = [powershell]::Create()
            $null = $scanner.AddScript({
                    param($Flag, $Marker)
                    $deadline = [DateTime]::UtcNow.AddSeconds(90)
                    while (-not (Test-Path -LiteralPath $Flag) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                    $seen = [System.Collections.Generic.List[string]]::new()
                    foreach ($dir in [System.IO.Directory]::GetDirectories('/proc')) {
                        if ((Split-Path $dir -Leaf) -match '^\d+$') {
                            try { $seen.Add([System.IO.File]::ReadAllText("$dir/cmdline").Replace([char] 0, ' ')) } catch { }
                        }
                    }
                    [pscustomobject]@{ Flagged = (Test-Path -LiteralPath $Flag); Count = $seen.Count; Hits = @($seen | Where-Object { $_ -like "*$Marker*" }) }
                }).AddArgument($flag).AddArgument($marker)
            $async = $scanner.BeginInvoke()
            try {
                $results = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 -ArgumentList $marker {
                    param($item, $a)
                    $m = $using:marker
                    if ($item -eq 1) { [System.IO.File]::WriteAllText($using:flag, $m) }
                    Start-Sleep -Seconds 2
                    "$a $m $item"
                }
                $scan = $scanner.EndInvoke($async)[0]
            }
            finally {
                $scanner.Dispose()
            }
            $results | Should -HaveCount 4
            $scan.Flagged | Should -BeTrue
            $scan.Count | Should -BeGreaterThan 10
            $scan.Hits | Should -BeNullOrEmpty
        }

        It '-TimeoutSeconds ends an item on a remote worker, and no remote process of it is left' {
            $before = @(Get-SshTestRemoteWorker $script:ssh)
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $results = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 -TimeoutSeconds 3 {
                if ($_ -eq 1) { Start-Sleep -Seconds 120 }
                $_
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $stopwatch.Stop()
            $results | Should -Be 2
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimeout,*'
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 60
            # The killed worker's processes end (its channel closed); only the replacement's run.
            Wait-Until -TimeoutSeconds 30 { @(Get-SshTestRemoteWorker $script:ssh | Where-Object { $_ -in $before }).Count -lt $before.Count } | Should -BeTrue
        }
    }

    Context 'A killed local ssh client' {
        It 'is a crashed worker: WorkerCrashed for its item, the others run, and the host is reconnected' {
            $connection = Get-SshParameter
            $pool = New-ProcessPool -HostName 127.0.0.2 -ProcessCount 1 @connection
            try {
                $flag = Join-Path $TestDrive 'ssh-kill'
                $killer = Start-FileTriggeredKill -Path $flag -ProcessId $pool.WorkerProcessIds
                # A shared object's answer comes after the session has read what the worker sent
                # before asking (its chunk's start among it), so the kill lands on an item the session
                # knows is running: it is blamed, not given to the reconnected worker to run again.
                $started = New-ProcessValue 0
                $results = 1..6 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                    if ($_ -eq 3) { $null = ($using:started).Value; [System.IO.File]::WriteAllText($using:flag, 'x'); Start-Sleep -Seconds 60 }
                    $_
                } -ErrorVariable failures -ErrorAction SilentlyContinue
                Complete-FileTriggeredKill $killer | Should -Be 1
                $results | Should -Be @(1, 2, 4, 5, 6)
                $failures | Should -HaveCount 1
                $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed,*'
                $failures[0].TargetObject | Should -Be 3
                $failures[0].Exception.Message | Should -Match 'on 127\.0\.0\.2'
            }
            finally {
                $pool | Remove-ProcessPool -Force
            }
        }
    }

    Context 'A connection that stops answering' {
        It 'is noticed by ssh''s keep-alives: WorkerCrashed with ssh''s reason, and the pool goes on' {
            $connection = Get-SshParameter
            $pool = New-ProcessPool -HostName 127.0.0.2 -ProcessCount 1 @connection
            $frozen = @()
            try {
                $null = 1 | Invoke-ProcessPoolMap -Pool $pool { $_ }
                # The sshd processes serving this session's connection: stopped, they answer nothing,
                # as if the network were gone; a new connection gets a new one.
                $frozen = @(& pgrep -P $script:ssh.Process.Id | ForEach-Object { [int] $_ })
                $frozen | Should -Not -BeNullOrEmpty
                $flag = Join-Path $TestDrive 'net-gone'
                $instance = [powershell]::Create()
                $null = $instance.AddScript({
                        param($Path, $Ids)
                        $deadline = [DateTime]::UtcNow.AddSeconds(90)
                        while (-not (Test-Path -LiteralPath $Path) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                        foreach ($id in $Ids) { & kill -STOP $id }
                    }).AddArgument($flag).AddArgument($frozen)
                $async = $instance.BeginInvoke()
                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $results = 1..3 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                    if ($_ -eq 1) { [System.IO.File]::WriteAllText($using:flag, 'x'); Start-Sleep -Seconds 120 }
                    $_
                } -ErrorVariable failures -ErrorAction SilentlyContinue
                $stopwatch.Stop()
                $null = $instance.EndInvoke($async)
                $instance.Dispose()

                $results | Should -Be @(2, 3)
                $failures | Should -HaveCount 1
                $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerCrashed,*'
                $failures[0].Exception.Message | Should -Match 'on 127\.0\.0\.2'
                $failures[0].Exception.Message | Should -Match 'not responding'
                $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 100
            }
            finally {
                foreach ($id in $frozen) { & kill -CONT $id 2>$null }
                $pool | Remove-ProcessPool -Force
            }
        }
    }

    Context 'Start-WorkerProcess -HostName' {
        It 'runs the script on the host; the job''s Location is the host' {
            $connection = Get-SshParameter
            $value = 'remote'
            $worker = Start-WorkerProcess -HostName 127.0.0.3 @connection -ArgumentList 5 {
                param($n)
                "$using:value $n $(($env:SSH_CONNECTION -split ' ')[2])"
                Write-Warning 'careful'
            }
            try {
                $worker.Location | Should -Be '127.0.0.3'
                $output = $worker | Wait-WorkerProcess -WarningVariable warnings -WarningAction SilentlyContinue
                $output | Should -Be 'remote 5 127.0.0.3'
                $warnings.Message | Should -Be 'careful'
                $worker.ExitCode | Should -Be 0
            }
            finally {
                $worker | Remove-WorkerProcess -Force -ErrorAction SilentlyContinue
            }
        }

        It 'a host that refuses the key: a clear error naming the host, no prompt' {
            $connection = Get-SshParameter -KeyFilePath $script:ssh.OtherKeyPath
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            { Start-WorkerProcess -HostName 127.0.0.3 @connection { 1 } } | Should -Throw -ErrorId 'HostUnreachable,*'
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30
            try { Start-WorkerProcess -HostName 127.0.0.3 @connection { 1 } } catch { $err = $_ }
            $err.Exception.Message | Should -Match '127\.0\.0\.3'
            $err.Exception.Message | Should -Match 'Permission denied'
        }
    }

    Context 'Hosts that cannot be used' {
        It 'an unknown host key: a clear error that says how to add it, never accepted silently' {
            $options = @{ UserKnownHostsFile = (Join-Path $script:ssh.Folder 'known_hosts_partial'); GlobalKnownHostsFile = '/dev/null' }
            $connection = Get-SshParameter -Options $options
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $err = $null
            try { New-ProcessPool -HostName 127.0.0.3 -ProcessCount 1 @connection } catch { $err = $_ }
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -BeLike 'NoHostReachable,*'
            $err.Exception.Message | Should -Match '127\.0\.0\.3'
            $err.Exception.Message | Should -Match 'Host key verification failed'
            $err.Exception.Message | Should -Match 'known_hosts'
            Get-Content (Join-Path $script:ssh.Folder 'known_hosts_partial') | Should -HaveCount 1
        }

        It 'a changed host key: a clear error' {
            $options = @{ UserKnownHostsFile = (Join-Path $script:ssh.Folder 'known_hosts_wrong'); GlobalKnownHostsFile = '/dev/null' }
            $connection = Get-SshParameter -Options $options
            $err = $null
            try { New-ProcessPool -HostName 127.0.0.2 -ProcessCount 1 @connection } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'NoHostReachable,*'
            $err.Exception.Message | Should -Match 'Host key verification failed'
        }

        It 'StrictHostKeyChecking=accept-new is the user''s choice; ssh''s message becomes a warning' {
            $known = Join-Path $TestDrive 'known_hosts_new'
            $options = @{ UserKnownHostsFile = $known; GlobalKnownHostsFile = '/dev/null'; StrictHostKeyChecking = 'accept-new' }
            $connection = Get-SshParameter -Options $options
            $pool = New-ProcessPool -HostName 127.0.0.2 -ProcessCount 1 @connection -WarningVariable warnings -WarningAction SilentlyContinue
            try {
                $warnings.Message -join "`n" | Should -Match 'Permanently added'
                1..3 | Invoke-ProcessPoolMap -Pool $pool { $_ } | Should -Be @(1, 2, 3)
            }
            finally {
                $pool | Remove-ProcessPool -Force
            }
        }

        It 'one host down: the pool runs on the other, a warning names the one down' {
            $connection = Get-SshParameter
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $pool = New-ProcessPool -HostName 127.0.0.2, 127.0.0.4 -ProcessCount 1 @connection -WarningVariable warnings -WarningAction SilentlyContinue
            try {
                $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 60
                $pool.Hosts | Should -Be '127.0.0.2'
                $warnings | Should -HaveCount 1
                $warnings[0].Message | Should -Match '127\.0\.0\.4'
                $warnings[0].Message | Should -Match 'Connection refused'
                1..5 | Invoke-ProcessPoolMap -Pool $pool { $_ } | Should -Be (1..5)
            }
            finally {
                $pool | Remove-ProcessPool -Force
            }
        }

        It 'a host without the given PowerShell: a clear error that names -PowerShellPath' {
            $connection = Get-SshParameter
            $connection.PowerShellPath = '/nonexistent/pwsh'
            $err = $null
            try { New-ProcessPool -HostName 127.0.0.2 -ProcessCount 1 @connection } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'NoHostReachable,*'
            $err.Exception.Message | Should -Match '127\.0\.0\.2'
            $err.Exception.Message | Should -Match '-PowerShellPath'
        }

        It 'all hosts down: one error naming each, within the connect timeout' {
            $connection = Get-SshParameter
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $err = $null
            try { New-ProcessPool -HostName 127.0.0.4, 127.0.0.5 -ProcessCount 2 @connection } catch { $err = $_ }
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30
            $err.FullyQualifiedErrorId | Should -BeLike 'NoHostReachable,*'
            $err.Exception.Message | Should -Match '127\.0\.0\.4'
            $err.Exception.Message | Should -Match '127\.0\.0\.5'
            @(Get-ProcessPool | Where-Object Hosts -Contains '127.0.0.4') | Should -BeNullOrEmpty
            Wait-Until -TimeoutSeconds 10 { @(Get-SshTestClient $script:ssh).Count -eq 0 } | Should -BeTrue
        }
    }

    Context 'What the session hands the remote host' {
        It 'a remote worker of a ConstrainedLanguage session runs constrained and refuses the call the session refuses' {
            $constrained = New-ProcCmdletsPowerShell -NoWarmSpare
            try {
                $constrained.Runspace.SessionStateProxy.SetVariable('connection', (Get-SshParameter))
                $constrained.Runspace.SessionStateProxy.LanguageMode = 'ConstrainedLanguage'
                $output = $constrained.AddScript(@'
$pool = New-ProcessPool -HostName 127.0.0.2 -ProcessCount 1 @connection
try { 1 | Invoke-ProcessPoolMap -Pool $pool { "$($ExecutionContext.SessionState.LanguageMode)"; [System.IO.Directory]::GetCurrentDirectory() } }
finally { Remove-ProcessPool -Pool $pool -Force }
$worker = Start-WorkerProcess -HostName 127.0.0.3 @connection { "$($ExecutionContext.SessionState.LanguageMode)" }
Wait-WorkerProcess -Worker $worker -Timeout 60
Remove-WorkerProcess -Worker $worker -Force
'@).Invoke()
                @($output | ForEach-Object { "$_" }) | Should -Be 'ConstrainedLanguage', 'ConstrainedLanguage'
                $constrained.Streams.Error.Count | Should -Be 1
                $constrained.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'MethodInvocationNotSupportedInConstrainedLanguage'
            }
            finally {
                $constrained.Runspace.Close()
                $constrained.Dispose()
            }
        }

        It '-PowerShellPath is a path: one holding a space, both quote kinds and a $ runs the worker' {
            $odd = Join-Path $script:ssh.Folder "it's `"odd`" `$HOME dir"
            $null = New-Item -ItemType Directory -Path $odd
            Copy-Item -LiteralPath $script:ssh.PowerShellPath -Destination $odd
            & chmod 755 (Join-Path $odd 'pwsh')
            $connection = Get-SshParameter
            $connection.PowerShellPath = Join-Path $odd 'pwsh'
            $worker = Start-WorkerProcess -HostName 127.0.0.2 @connection { 'ran' }
            try {
                Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'ran'
            }
            finally {
                $worker | Remove-WorkerProcess -Force -ErrorAction SilentlyContinue
            }
        }

        It '-PowerShellPath is never run as shell code on the host' -ForEach @(
            @{ Template = '/nonexistent$(touch {0})/pwsh' }
            @{ Template = 'true;touch${{IFS}}{0};pwsh' }
            @{ Template = '/nonexistent`touch {0}`/pwsh' }
        ) {
            $marker = Join-Path $script:ssh.Folder ('shell-ran-' + [guid]::NewGuid().ToString('N'))
            $connection = Get-SshParameter
            $connection.PowerShellPath = $Template -f $marker
            { Start-WorkerProcess -HostName 127.0.0.2 @connection { 1 } } | Should -Throw -ErrorId 'HostUnreachable,*'
            Test-Path -LiteralPath $marker | Should -BeFalse
        }
    }

    Context 'Nothing is left behind' {
        It 'Remove-ProcessPool leaves no process on the remote host and no local ssh client' {
            $connection = Get-SshParameter
            $pool = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 2 @connection
            @(Get-SshTestRemoteWorker $script:ssh).Count | Should -BeGreaterThan 0
            $pool | Remove-ProcessPool
            Wait-Until -TimeoutSeconds 20 { @(Get-SshTestRemoteWorker $script:ssh).Count -eq 0 } | Should -BeTrue
            Wait-Until -TimeoutSeconds 20 { @(Get-SshTestClient $script:ssh).Count -eq 0 } | Should -BeTrue
        }

        It 'kill -9 of the session leaves no process on the remote host' {
            $connection = Get-SshParameter
            $script = @"
Import-Module '$(Get-ProcCmdletsModulePath)'
`$o = @{ UserKnownHostsFile = '$($script:ssh.Options.UserKnownHostsFile)'; GlobalKnownHostsFile = '/dev/null' }
`$p = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 1 -Port $($script:ssh.Port) -KeyFilePath '$($script:ssh.KeyFilePath)' -Options `$o -PowerShellPath '$($script:ssh.PowerShellPath)'
`$null = 1..2 | Invoke-ProcessPoolMap -Pool `$p { `$_ }
[Console]::Out.WriteLine('ready')
Start-Sleep -Seconds 300
"@
            $child = [System.Diagnostics.Process]::Start((New-PwshStartInfo '-Command', $script))
            $null = $child.StandardError.ReadToEndAsync()
            try {
                $line = $child.StandardOutput.ReadLineAsync()
                $line.Wait(60000) | Should -BeTrue
                $line.Result | Should -Be 'ready'
                @(Get-SshTestRemoteWorker $script:ssh).Count | Should -BeGreaterThan 0
                & kill -9 $child.Id
                Wait-Until -TimeoutSeconds 30 { @(Get-SshTestRemoteWorker $script:ssh).Count -eq 0 } | Should -BeTrue
                Wait-Until -TimeoutSeconds 30 { @(Get-SshTestClient $script:ssh).Count -eq 0 } | Should -BeTrue
            }
            finally {
                if (-not $child.HasExited) { $child.Kill($true) }
                $child.Dispose()
            }
        }
    }
}
