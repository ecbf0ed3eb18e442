#Requires -Version 7.0
# Security: what a worker exposes. It listens on no network port, its command line carries
# neither the script nor its arguments (only paths), nothing it is given is written to disk, it
# runs as the session's user with the session's environment, and a program it starts inherits
# none of the channel's descriptors.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest

    # Markers that exist only in this run: they are built here, not written in this file.
    $script:scriptMarker = 'PcScriptMarker' + [guid]::NewGuid().ToString('N')
    $script:argumentMarker = 'PcArgumentMarker' + [guid]::NewGuid().ToString('N')
    $script:usingMarker = 'PcUsingMarker' + [guid]::NewGuid().ToString('N')
    $script:initMarker = 'PcInitMarker' + [guid]::NewGuid().ToString('N')
    $script:itemMarker = 'PcItemMarker' + [guid]::NewGuid().ToString('N')
    $script:allMarkers = $script:scriptMarker, $script:argumentMarker, $script:usingMarker, $script:initMarker, $script:itemMarker

    # Socket inodes a process holds (Linux).
    function Get-SocketInode {
        param([int] $ProcessId)

        foreach ($entry in [System.IO.Directory]::EnumerateFileSystemEntries("/proc/$ProcessId/fd")) {
            $target = try { (Get-Item -LiteralPath $entry -Force).LinkTarget } catch { $null }
            if ($target -match '^socket:\[(\d+)\]$') {
                $Matches[1]
            }
        }
    }

    # Entries of /proc/net/<table> whose inode is one of $Inode: protocol, local address, state.
    function Find-NetSocket {
        param([string[]] $Inode)

        foreach ($table in 'tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6') {
            $path = "/proc/net/$table"
            if (-not (Test-Path -LiteralPath $path)) {
                continue
            }
            foreach ($line in [System.IO.File]::ReadAllLines($path) | Select-Object -Skip 1) {
                $fields = $line.Trim() -split '\s+'
                if ($fields.Count -gt 9 -and $fields[9] -in $Inode) {
                    [pscustomobject]@{ Table = $table; Local = $fields[1]; State = $fields[3]; Inode = $fields[9] }
                }
            }
        }
    }

    # Paths of the Unix sockets whose inode is one of $Inode.
    function Find-UnixSocketPath {
        param([string[]] $Inode)

        foreach ($line in [System.IO.File]::ReadAllLines('/proc/net/unix') | Select-Object -Skip 1) {
            $fields = $line.Trim() -split '\s+'
            if ($fields.Count -gt 6 -and $fields[6] -in $Inode) {
                if ($fields.Count -gt 7) { $fields[7] } else { '(unnamed)' }
            }
        }
    }

    function Get-StatusField {
        param([int] $ProcessId, [string] $Name)

        $line = [System.IO.File]::ReadAllLines("/proc/$ProcessId/status") | Where-Object { $_ -like "${Name}:*" }
        ($line -split '\s+')[1..4] -join ' '
    }

    function Get-ProcessText {
        param([int] $ProcessId, [string] $File)

        [System.IO.File]::ReadAllText("/proc/$ProcessId/$File") -replace "`0", ' '
    }

    # Starts, with every marker in play, a pool of 2 and a Start-WorkerProcess worker that stay up.
    function Start-MarkedWorkers {
        $usingValue = $script:usingMarker
        $init = [scriptblock]::Create("param(`$Marker) `$global:InitValue = `$Marker; '$($script:initMarker)' | Out-Null")
        $pool = New-ProcessPool -ProcessCount 2 -Name 'SecurityPool' -InitializationScript $init -InitializationArgumentList $script:initMarker
        $task = [scriptblock]::Create("`$null = '$($script:scriptMarker)', `$using:usingValue, `$args; `$_")
        $null = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 -ArgumentList $script:argumentMarker $task
        $null = Invoke-ProcessPoolMap -Pool $pool -InputObject $script:itemMarker { $_.Length }
        $body = [scriptblock]::Create("param(`$Value) `$null = '$($script:scriptMarker)', `$Value, `$using:usingValue, `$input; Start-Sleep -Seconds 60")
        $worker = $script:itemMarker | Start-WorkerProcess -ArgumentList $script:argumentMarker -InitializationScript $init $body
        [pscustomobject]@{
            Pool       = $pool
            Worker     = $worker
            ProcessIds = @(@($pool.WorkerProcessIds) + $worker.ProcessId)
        }
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Security: what a worker process exposes (Linux: read from /proc)' -Skip:(-not $IsLinux) {
    BeforeAll {
        $script:marked = Start-MarkedWorkers
        $script:marked.ProcessIds | Should -HaveCount 3
    }

    AfterAll {
        if ($script:marked) {
            Remove-ProcessPool -Pool $script:marked.Pool -Force
            Remove-WorkerProcess -Worker $script:marked.Worker -Force
        }
    }

    It 'listens on no network port: it holds no TCP, UDP or raw socket' {
        foreach ($id in $script:marked.ProcessIds) {
            $inodes = @(Get-SocketInode -ProcessId $id)
            $network = @(if ($inodes) { Find-NetSocket -Inode $inodes })
            $network | Should -BeNullOrEmpty -Because "worker $id should hold no network socket ($(($network | ForEach-Object { "$($_.Table) $($_.Local) state $($_.State)" }) -join '; '))"
        }
    }

    It 'its only Unix sockets are the .NET diagnostics endpoint and the PowerShell host pipe, which no other user can connect to' {
        foreach ($id in $script:marked.ProcessIds) {
            $inodes = @(Get-SocketInode -ProcessId $id)
            $paths = @(if ($inodes) { Find-UnixSocketPath -Inode $inodes })
            foreach ($path in $paths) {
                $name = [System.IO.Path]::GetFileName($path)
                $name | Should -Match "^(dotnet-diagnostic-$id-\d+-socket|CoreFxPipe_PSHost\.[0-9A-F]+\.$id\.None\.\w+)$" -Because "worker $id listens on $path"
                # Connecting to a Unix socket needs write permission on it.
                $mode = (Get-Item -LiteralPath $path -Force).UnixFileMode
                ($mode -band ([System.IO.UnixFileMode]::GroupWrite -bor [System.IO.UnixFileMode]::OtherWrite)) | Should -Be 0 -Because "$path should not be writable by others"
            }
        }
    }

    It 'as the bundled worker program, it listens on no Unix socket at all: no diagnostics endpoint, no Enter-PSHostProcess pipe' {
        foreach ($id in $script:marked.ProcessIds) {
            $inodes = @(Get-SocketInode -ProcessId $id)
            $paths = @(if ($inodes) { Find-UnixSocketPath -Inode $inodes })
            $paths | Should -BeNullOrEmpty -Because "worker $id should listen on nothing ($($paths -join ', '))"
        }
    }

    It 'sends none of the engine''s telemetry, and its scripts still see the session''s telemetry setting' {
        $env:POWERSHELL_TELEMETRY_OPTOUT = $null
        $worker = Start-WorkerProcess {
            [Microsoft.PowerShell.Telemetry.ApplicationInsightsTelemetry]::CanSendTelemetry
            [Environment]::GetEnvironmentVariable('POWERSHELL_TELEMETRY_OPTOUT')
            [Environment]::GetEnvironmentVariable('POWERSHELL_DIAGNOSTICS_OPTOUT')
        }
        try {
            $canSend, $telemetryVariable, $diagnosticsVariable = $worker | Wait-WorkerProcess
        } finally {
            Remove-WorkerProcess -Worker $worker -Force
        }

        $canSend | Should -BeFalse
        $telemetryVariable | Should -BeNullOrEmpty
        $diagnosticsVariable | Should -BeNullOrEmpty
    }

    It 'its command line carries only paths: no script text, argument, $using: value, initialization script or item' {
        foreach ($id in $script:marked.ProcessIds) {
            $commandLine = Get-ProcessText -ProcessId $id -File 'cmdline'
            $commandLine | Should -BeLike '*ProcCmdlets.Worker.dll*'
            foreach ($marker in $script:allMarkers) {
                $commandLine | Should -Not -BeLike "*$marker*"
            }
        }
    }

    It 'its environment block carries no script text, argument, $using: value, initialization script or item' {
        foreach ($id in $script:marked.ProcessIds) {
            $environment = Get-ProcessText -ProcessId $id -File 'environ'
            foreach ($marker in $script:allMarkers) {
                $environment | Should -Not -BeLike "*$marker*"
            }
        }
    }

    It 'runs as the session''s user and group' {
        $uid = Get-StatusField -ProcessId $PID -Name 'Uid'
        $gid = Get-StatusField -ProcessId $PID -Name 'Gid'
        foreach ($id in $script:marked.ProcessIds) {
            Get-StatusField -ProcessId $id -Name 'Uid' | Should -Be $uid
            Get-StatusField -ProcessId $id -Name 'Gid' | Should -Be $gid
        }
    }

    It 'a native program started by a worker inherits no descriptor beyond standard input, output and error' {
        $listing = Invoke-ProcessPoolApply -Pool $script:marked.Pool { & ls -l /proc/self/fd }

        $descriptors = @($listing | Where-Object { $_ -match '^\S+\s.*\s(\d+) -> (.*)$' } | ForEach-Object {
                $null = $_ -match '\s(\d+) -> (.*)$'
                [pscustomobject]@{ Fd = [int] $Matches[1]; Target = $Matches[2] }
            })
        $descriptors.Fd | Should -Contain 0
        $descriptors.Fd | Should -Contain 2
        # Besides 0, 1 and 2, ls holds the directory it lists, and whatever this session itself was
        # given by its own parent (the same descriptor, open on the same file).
        $sessionOwn = @{}
        foreach ($entry in [System.IO.Directory]::EnumerateFileSystemEntries("/proc/$PID/fd")) {
            $target = try { (Get-Item -LiteralPath $entry -Force).LinkTarget } catch { $null }
            if ($target) { $sessionOwn[[int] [System.IO.Path]::GetFileName($entry)] = $target }
        }
        $inherited = @($descriptors | Where-Object { $_.Fd -gt 2 -and $_.Target -notlike '/proc/*' -and $sessionOwn[$_.Fd] -ne $_.Target })
        $inherited | Should -BeNullOrEmpty -Because "a child should not inherit $(($inherited | ForEach-Object { "$($_.Fd) -> $($_.Target)" }) -join ', ')"
    }
}

Describe 'Security: the environment a worker sees' {
    BeforeEach {
        $script:envName = 'PC_MARKER'
        $script:envValue = 'PcEnvMarker' + [guid]::NewGuid().ToString('N')
        $script:savedEnv = [Environment]::GetEnvironmentVariable($script:envName)
    }

    AfterEach {
        [Environment]::SetEnvironmentVariable($script:envName, $script:savedEnv)
        [Environment]::SetEnvironmentVariable('PC_GONE', $null)
    }

    It 'a Start-WorkerProcess worker sees the session''s environment' {
        Set-Item -Path "env:$($script:envName)" -Value $script:envValue
        $worker = Start-WorkerProcess { $env:PC_MARKER }

        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be $script:envValue
        Remove-WorkerProcess -Worker $worker
    }

    It 'a new pool''s workers see the session''s environment' {
        Set-Item -Path "env:$($script:envName)" -Value $script:envValue
        $pool = New-ProcessPool -ProcessCount 2
        try {
            1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { $env:PC_MARKER } | Should -Be (@($script:envValue) * 4)
        }
        finally {
            Remove-ProcessPool -Pool $pool -Force
        }
    }

    It 'a worker started from the warm spare sees variables set, and not variables removed, after the spare started' {
        $previous = Get-Variable -Name ProcCmdletsWarmSpare -Scope Global -ErrorAction SilentlyContinue
        $global:ProcCmdletsWarmSpare = $true
        try {
            Set-Item -Path env:PC_GONE -Value 'must not be seen'
            $first = Start-WorkerProcess { 'first' }
            $null = Wait-WorkerProcess -Worker $first -Timeout 60
            Remove-WorkerProcess -Worker $first
            # The spare starts after a quiet moment; give it time to be up.
            $null = Wait-Until -TimeoutSeconds 10 { @(Get-WorkerChildProcess).Count -ge 1 }
            Start-Sleep -Seconds 1

            Set-Item -Path "env:$($script:envName)" -Value $script:envValue
            Remove-Item -Path env:PC_GONE
            $second = Start-WorkerProcess { "[$env:PC_MARKER]"; "[$env:PC_GONE]" }

            Wait-WorkerProcess -Worker $second -Timeout 60 | Should -Be @("[$($script:envValue)]", '[]')
            Remove-WorkerProcess -Worker $second
        }
        finally {
            if ($previous) { $global:ProcCmdletsWarmSpare = $previous.Value } else { Remove-Variable -Name ProcCmdletsWarmSpare -Scope Global -ErrorAction SilentlyContinue }
        }
    }
}

Describe 'Security: what a worker leaves on disk' {
    BeforeAll {
        # The workers that read /proc above (Linux only) are the ones whose traces are looked for; elsewhere
        # the same workers run here, so that every marker has been in a worker's hands.
        if (-not $IsLinux) {
            $marked = Start-MarkedWorkers
            Remove-ProcessPool -Pool $marked.Pool -Force
            Remove-WorkerProcess -Worker $marked.Worker -Force
        }
    }

    It 'no file under the temp directory or $TestDrive contains a script, argument, $using: value, initialization script or item after the run' {
        # The workers of this file have run; make sure every one has ended. The warm spare an earlier
        # test turned on ends at the next start made with it turned off.
        $previous = Get-Variable -Name ProcCmdletsWarmSpare -Scope Global -ErrorAction SilentlyContinue
        $global:ProcCmdletsWarmSpare = $false
        Start-WorkerProcess { } | Wait-WorkerProcess -Timeout 60
        if ($previous) { $global:ProcCmdletsWarmSpare = $previous.Value } else { Remove-Variable -Name ProcCmdletsWarmSpare -Scope Global }
        Get-WorkerProcess | Remove-WorkerProcess -Force
        Get-ProcessPool | Remove-ProcessPool -Force
        Wait-Until -TimeoutSeconds 10 { @(Get-WorkerChildProcess).Count -eq 0 } | Should -BeTrue

        $roots = @([System.IO.Path]::GetTempPath(), "$TestDrive") + @(if (-not $IsWindows) { '/tmp' }) | Sort-Object -Unique
        foreach ($marker in $script:allMarkers) {
            $found = if ($IsWindows) {
                @(Get-ChildItem -LiteralPath $roots -Recurse -File -Force -ErrorAction SilentlyContinue |
                        Select-String -SimpleMatch -Pattern $marker -List -ErrorAction SilentlyContinue | ForEach-Object Path)
            }
            else {
                # -r skips devices, FIFOs and sockets, which abound in the temp directory.
                @(& grep -rlsF -D skip -- $marker @roots)
            }
            $found | Should -BeNullOrEmpty -Because "no file should contain $marker"
        }
    }

    It 'a worker that has ended leaves no file named after its process id in the temp directory' {
        # Process ids are reused: only files made since this test began can be the workers'.
        $since = (Get-Date).AddSeconds(-1)
        $worker = Start-WorkerProcess { 'done' }
        $id = $worker.ProcessId
        $null = Wait-WorkerProcess -Worker $worker -Timeout 60
        Remove-WorkerProcess -Worker $worker
        $pool = New-ProcessPool -ProcessCount 1
        $poolWorker = @($pool.WorkerProcessIds)[0]
        $null = Invoke-ProcessPoolMap -Pool $pool -InputObject 1 { $_ }
        Remove-ProcessPool -Pool $pool
        Wait-Until -TimeoutSeconds 10 { -not (Test-ProcessAlive -ProcessId $id) -and -not (Test-ProcessAlive -ProcessId $poolWorker) } | Should -BeTrue
        Start-Sleep -Milliseconds 500

        foreach ($ended in $id, $poolWorker) {
            $left = @(Get-ChildItem -LiteralPath ([System.IO.Path]::GetTempPath()) -Force -ErrorAction SilentlyContinue |
                    Where-Object { $_.Name -match "(^|[^0-9])$ended([^0-9]|$)" -and $_.LastWriteTime -ge $since } | ForEach-Object Name)
            $left | Should -BeNullOrEmpty -Because "worker $ended has ended (left: $($left -join ', '))"
        }
    }
}

Describe 'Security: a ConstrainedLanguage session' {
    # A runspace of its own, constrained as a user or a lockdown policy would, so that this file's
    # other tests keep FullLanguage.
    BeforeAll {
        $script:constrained = New-ProcCmdletsPowerShell -NoWarmSpare
        $script:constrained.Runspace.SessionStateProxy.LanguageMode = 'ConstrainedLanguage'

        # Runs $Script in the constrained runspace: its output, and the errors it wrote.
        function Invoke-Constrained {
            param([string] $Script)

            $script:constrained.Commands.Clear()
            $script:constrained.Streams.ClearStreams()
            $output = $script:constrained.AddScript($Script).Invoke()
            [pscustomobject]@{ Output = @($output | ForEach-Object { "$_" }); Errors = @($script:constrained.Streams.Error) }
        }

        # The error the constrained session itself gives for a .NET method call.
        $script:refusedInSession = (Invoke-Constrained 'try { [System.IO.Directory]::GetCurrentDirectory() } catch { $_ }').Output
    }

    AfterAll {
        $null = Invoke-Constrained 'Get-ProcessPool | Remove-ProcessPool -Force; Get-WorkerProcess | Remove-WorkerProcess -Force'
        $script:constrained.Runspace.Close()
        $script:constrained.Dispose()
    }

    It 'the session itself refuses the .NET method call the tests try in workers' {
        $script:refusedInSession | Should -BeLike '*Method invocation is supported only on core types*'
    }

    It 'a map runs in the session''s language mode' {
        $result = Invoke-Constrained '1, 2 | Invoke-ProcessPoolMap -ProcessCount 1 { "$($ExecutionContext.SessionState.LanguageMode)" }'

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -Be 'ConstrainedLanguage', 'ConstrainedLanguage'
    }

    It 'a map refuses the .NET method call the session refuses, with the same error' {
        $result = Invoke-Constrained '1 | Invoke-ProcessPoolMap -ProcessCount 1 { [System.IO.Directory]::GetCurrentDirectory() }'

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -Be 'MethodInvocationNotSupportedInConstrainedLanguage'
        $result.Errors[0].Exception.Message | Should -Be $script:refusedInSession
        $result.Errors[0].TargetObject | Should -Be 1
    }

    It 'an apply runs in the session''s language mode and refuses the same call' {
        $result = Invoke-Constrained 'Invoke-ProcessPoolApply { "$($ExecutionContext.SessionState.LanguageMode)"; [System.IO.Directory]::GetCurrentDirectory() }'

        $result.Output | Should -Be 'ConstrainedLanguage'
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -Be $script:refusedInSession
    }

    It 'a Start-WorkerProcess worker, and its initialization script, run in the session''s language mode' {
        $result = Invoke-Constrained @'
$worker = Start-WorkerProcess -InitializationScript { $global:InitMode = "$($ExecutionContext.SessionState.LanguageMode)" } { "$global:InitMode"; "$($ExecutionContext.SessionState.LanguageMode)"; [System.IO.Directory]::GetCurrentDirectory() }
Wait-WorkerProcess -Worker $worker -Timeout 60
Remove-WorkerProcess -Worker $worker
'@

        $result.Output | Should -Be 'ConstrainedLanguage', 'ConstrainedLanguage'
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -Be $script:refusedInSession
    }

    It 'a pool''s initialization script runs in the session''s language mode' {
        $result = Invoke-Constrained @'
$pool = New-ProcessPool -ProcessCount 1 -InitializationScript { $global:InitMode = "$($ExecutionContext.SessionState.LanguageMode)"; $global:InitCall = try { [System.IO.Directory]::GetCurrentDirectory() } catch { 'refused' } }
1 | Invoke-ProcessPoolMap -Pool $pool { "$global:InitMode"; $global:InitCall }
Remove-ProcessPool -Pool $pool -Force
'@

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -Be 'ConstrainedLanguage', 'refused'
    }

    It 'a pool made while the session had FullLanguage runs the maps of the constrained session constrained' {
        $script:constrained.Runspace.SessionStateProxy.LanguageMode = 'FullLanguage'
        try {
            $null = Invoke-Constrained '$global:EarlyPool = New-ProcessPool -ProcessCount 1'
        }
        finally {
            $script:constrained.Runspace.SessionStateProxy.LanguageMode = 'ConstrainedLanguage'
        }

        $result = Invoke-Constrained '1 | Invoke-ProcessPoolMap -Pool $global:EarlyPool { "$($ExecutionContext.SessionState.LanguageMode)" }; Remove-ProcessPool -Pool $global:EarlyPool -Force'

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -Be 'ConstrainedLanguage'
    }

    It 'a function of the constrained session is constrained in the worker, whatever its name' {
        $result = Invoke-Constrained @'
function Get-Here { [System.IO.Directory]::GetCurrentDirectory() }
Set-Item -LiteralPath 'function:global:Get:Here' -Value '[System.IO.Directory]::GetCurrentDirectory()'
1 | Invoke-ProcessPoolMap -ProcessCount 1 { Get-Here }
2 | Invoke-ProcessPoolMap -ProcessCount 1 -Function 'Get:Here' { & 'Get:Here' }
'@

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 2
        $result.Errors.FullyQualifiedErrorId | Should -Be 'MethodInvocationNotSupportedInConstrainedLanguage', 'MethodInvocationNotSupportedInConstrainedLanguage'
    }

    It 'maps, their errors and $using: values work as in a FullLanguage session' {
        $result = Invoke-Constrained @'
$offset = 10
1..6 | Invoke-ProcessPoolMap -ProcessCount 2 -ChunkSize 2 { if ($_ -eq 3) { throw "item $_ failed" }; if ($_ -eq 4) { Write-Error "item $_ wrote an error" }; $_ + $using:offset }
@(1, 2), @(3, 4) | Invoke-ProcessPoolMap -ProcessCount 1 -Splat { param($a, $b) $a * $b }
'@

        $result.Output | Should -Be '11', '12', '14', '15', '16', '2', '12'
        $result.Errors.Count | Should -Be 2
        $result.Errors[0].Exception.Message | Should -Be 'item 3 failed'
        $result.Errors[0].TargetObject | Should -Be 3
        $result.Errors[1].Exception.Message | Should -Be 'item 4 wrote an error'
    }
}

Describe 'Security: the ssh client the session starts' {
    # A program named ssh that records that it ran (Unix), or a copy of a Windows program that would
    # fail the start differently if it ran (Windows); a real ssh must be on PATH for the cmdlets to try.
    BeforeAll {
        $script:hasSsh = [bool] (Get-Command ssh -CommandType Application -ErrorAction SilentlyContinue)
        $script:planted = Join-Path $TestDrive 'planted'
        $null = New-Item -ItemType Directory -Path $script:planted
        $script:plantedRan = Join-Path $TestDrive 'planted-ssh-ran'
        if ($IsWindows) {
            Copy-Item -LiteralPath (Join-Path ([Environment]::SystemDirectory) 'hostname.exe') -Destination (Join-Path $script:planted 'ssh.exe')
        }
        else {
            Set-Content -LiteralPath (Join-Path $script:planted 'ssh') -Value '#!/bin/sh', "echo `"`$*`" >> '$($script:plantedRan)'", 'exit 255'
            & chmod 755 (Join-Path $script:planted 'ssh')
        }
    }

    AfterEach {
        Remove-Item -LiteralPath $script:plantedRan -ErrorAction SilentlyContinue
    }

    It 'an ssh in the current directory is not the one started' {
        if (-not $script:hasSsh -and -not $IsWindows) { Set-ItResult -Skipped -Because 'ssh is not installed'; return }
        $saved = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $script:planted
        try {
            # With no ssh on PATH (Wine has none) the session says so; a planted hostname.exe started
            # instead would have ended the start with another error.
            $expected = if ($script:hasSsh) { 'HostUnreachable,*' } else { 'SshNotFound,*' }
            { Start-WorkerProcess -HostName 127.0.0.1 -Port 9 -Options @{ ConnectTimeout = 5 } { 1 } } | Should -Throw -ErrorId $expected
        }
        finally {
            [Environment]::CurrentDirectory = $saved
        }

        Test-Path -LiteralPath $script:plantedRan | Should -BeFalse -Because 'the planted ssh would have been handed the key path'
    }

    It 'host <Shown> is a parameter error, before any process starts' -ForEach @(
        @{ Entry = 'h;touch x'; Shown = 'h;touch x' }, @{ Entry = 'h$(id)'; Shown = 'h$(id)' }, @{ Entry = "h`nx"; Shown = 'h<newline>x' }
        @{ Entry = 'h|x'; Shown = 'h|x' }, @{ Entry = 'a;b$(id)@h'; Shown = 'a;b$(id)@h' }, @{ Entry = '-oProxyCommand=x'; Shown = '-oProxyCommand=x' }
    ) {
        $savedPath = $env:PATH
        $env:PATH = $script:planted + [System.IO.Path]::PathSeparator + $env:PATH
        try {
            { Start-WorkerProcess -HostName $Entry { 1 } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ProcCmdlets.Commands.StartWorkerProcessCommand'
            { New-ProcessPool -HostName 'fine', $Entry } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ProcCmdlets.Commands.NewProcessPoolCommand'
        }
        finally {
            $env:PATH = $savedPath
        }

        Test-Path -LiteralPath $script:plantedRan | Should -BeFalse
    }

    It 'user <User> is a parameter error, before any process starts' -ForEach @(
        @{ User = 'a;b$(id)' }, @{ User = 'a b' }, @{ User = '-oProxyCommand=x' }, @{ User = 'a`b' }
    ) {
        $savedPath = $env:PATH
        $env:PATH = $script:planted + [System.IO.Path]::PathSeparator + $env:PATH
        try {
            { Start-WorkerProcess -HostName fine -UserName $User { 1 } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ProcCmdlets.Commands.StartWorkerProcessCommand'
            { New-ProcessPool -HostName fine -UserName $User } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ProcCmdlets.Commands.NewProcessPoolCommand'
        }
        finally {
            $env:PATH = $savedPath
        }

        Test-Path -LiteralPath $script:plantedRan | Should -BeFalse
    }
}

Describe 'Security: a local worker''s pipes on Windows' {
    # Transport/WindowsChildProcess.cs: each standard stream is the single instance of a named pipe
    # that the session connects before the worker starts, so another process that learns its name
    # (here from the trace) cannot open it.
    It 'another process cannot connect to a worker''s pipes, whose names it has read from the trace' -Skip:(-not $IsWindows) {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('pcpipes-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $trace = Join-Path $folder 'session.log'
        $command = @'
Import-Module '{0}'
$pool = New-ProcessPool -ProcessCount 1
$r = 1..3 | Invoke-ProcessPoolMap -Pool $pool {{ $_ * 2 }}
"mapped=$($r -join ',')"
$null = [Console]::In.ReadLine()
Remove-ProcessPool -Pool $pool
'@ -f (Get-ProcCmdletsModulePath).Replace("'", "''")
        $info = New-PwshStartInfo '-Command', $command -Environment @{ PROCCMDLETS_TRACE = $trace }
        $info.RedirectStandardInput = $true
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $process.StandardOutput.ReadLine() | Should -Be 'mapped=2,4,6'
            $names = @(Get-Content -LiteralPath $trace | ForEach-Object { if ($_ -match 'worker start: pipe \\\\\.\\pipe\\(\S+)$') { $Matches[1] } })
            $names.Count | Should -BeGreaterOrEqual 3 -Because 'a worker''s three streams are named pipes'
            foreach ($name in $names) {
                foreach ($direction in 'In', 'Out') {
                    $client = [System.IO.Pipes.NamedPipeClientStream]::new('.', $name, [System.IO.Pipes.PipeDirection] $direction)
                    try {
                        { $client.Connect(500) } | Should -Throw -Because "pipe $name is taken by its worker"
                    } finally {
                        $client.Dispose()
                    }
                }
            }
        } finally {
            $process.StandardInput.WriteLine('end')
            if (-not $process.WaitForExit(60000)) { $process.Kill($true) }
            $process.Dispose()
            Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Security: cleanup' {
    It 'leaves no worker process behind' {
        Assert-NoWorkerLeft
    }
}
