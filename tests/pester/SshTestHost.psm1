#Requires -Version 7.0
# A private OpenSSH server for the tests of workers on other hosts: its own host key, client keys,
# authorized_keys, known_hosts and sshd_config in a temporary folder, listening on 127.0.0.2 and
# 127.0.0.3 only (two "hosts"), without PAM. The remote pwsh is the one running the tests, behind
# a wrapper script whose path marks every remote worker on its command line.

Set-StrictMode -Version Latest

function Get-SshTestHostSkipReason {
    <#
    .SYNOPSIS
        Installs Debian's openssh-server when sshd is missing and this runs as root; returns why the
        tests must be skipped, or $null when they can run.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if (-not $IsLinux) { return 'the private sshd of these tests runs on Linux only' }
    $hasClient = [bool] (Get-Command ssh -CommandType Application -ErrorAction SilentlyContinue)
    if (-not $hasClient) {
        if ((id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) { return 'the OpenSSH client (ssh) is not installed' }
    }
    if (-not (Test-Path /usr/sbin/sshd) -or -not $hasClient) {
        if ((id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
            return 'sshd is not installed and cannot be (installing openssh-server needs root and apt-get)'
        }
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # The package's own service must not start (it would listen on every address, port 22):
        # policy-rc.d answers "not now" to the package scripts while it installs.
        $policy = '/usr/sbin/policy-rc.d'
        $ownPolicy = -not (Test-Path $policy)
        if ($ownPolicy) { Set-Content $policy -Value '#!/bin/sh', 'exit 101'; & chmod 755 $policy }
        try {
            $log = & apt-get install -y -q openssh-server openssh-client 2>&1
            if ($LASTEXITCODE -ne 0) {
                $log = @(& apt-get update -q 2>&1) + @(& apt-get install -y -q openssh-server openssh-client 2>&1)
            }
        }
        finally {
            if ($ownPolicy) { Remove-Item $policy -Force -ErrorAction SilentlyContinue }
        }
        if (-not (Test-Path /usr/sbin/sshd) -or -not (Get-Command ssh -CommandType Application -ErrorAction SilentlyContinue)) {
            return "installing openssh-server failed: $($log | Select-Object -Last 5)"
        }
    }
    $null
}

function Start-SshTestHost {
    <#
    .SYNOPSIS
        Starts the private sshd; returns what the tests need to reach it.
    #>
    [CmdletBinding()]
    param()

    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('pcssh-' + [guid]::NewGuid().ToString('n').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $dir, "$dir/bin"
    & chmod 700 $dir
    foreach ($name in 'host_key', 'client_key', 'other_key') {
        $null = & ssh-keygen -q -t ed25519 -N '' -C "proccmdlets-test-$name" -f "$dir/$name" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for $name" }
    }
    Copy-Item "$dir/client_key.pub" "$dir/authorized_keys"

    # sshd refuses to start without its privilege separation folder.
    $null = New-Item -ItemType Directory -Path /run/sshd -Force

    $listener = [System.Net.Sockets.TcpListener]::new([ipaddress] '127.0.0.2', 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()

    $hostKey = (Get-Content "$dir/host_key.pub" -Raw).Trim()
    Set-Content "$dir/known_hosts" -Value "[127.0.0.2]:$port $hostKey", "[127.0.0.3]:$port $hostKey"
    # Knows 127.0.0.2 only: 127.0.0.3 is an unknown host with it.
    Set-Content "$dir/known_hosts_partial" -Value "[127.0.0.2]:$port $hostKey"
    # 127.0.0.2 with a key that is not its own: a changed host key.
    $otherKey = (Get-Content "$dir/other_key.pub" -Raw).Trim()
    Set-Content "$dir/known_hosts_wrong" -Value "[127.0.0.2]:$port $otherKey"

    Set-Content "$dir/sshd_config" -Value @(
        "Port $port"
        'ListenAddress 127.0.0.2'
        'ListenAddress 127.0.0.3'
        "HostKey $dir/host_key"
        "PidFile $dir/sshd.pid"
        "AuthorizedKeysFile $dir/authorized_keys"
        'UsePAM no'
        'StrictModes no'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'PubkeyAuthentication yes'
        'PermitRootLogin prohibit-password'
        'PrintMotd no'
        'MaxStartups 100'
        'MaxSessions 100'
        'LogLevel INFO'
    )

    # The remote pwsh: the one running the tests. A wrapper (not exec'd) keeps its own path on a
    # command line for as long as the remote worker lives, which is how the tests find them.
    $pwsh = "$dir/bin/pwsh"
    $process = [Environment]::ProcessPath
    $command = if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        "'$process' '$(Join-Path $PSHOME 'pwsh.dll')'"
    } else {
        "'$process'"
    }
    $dotnetRoot = Split-Path $process
    Set-Content $pwsh -Value @(
        '#!/bin/sh'
        "export DOTNET_ROOT='$dotnetRoot' DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1"
        "$command `"`$@`""
    )
    & chmod 755 $pwsh

    $info = [System.Diagnostics.ProcessStartInfo]::new('/usr/sbin/sshd')
    foreach ($argument in '-D', '-e', '-f', "$dir/sshd_config") { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardError = $true
    $info.RedirectStandardOutput = $true
    $sshd = [System.Diagnostics.Process]::Start($info)
    $log = $sshd.StandardError.ReadToEndAsync()
    $null = $sshd.StandardOutput.ReadToEndAsync()

    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    $up = $false
    while (-not $up -and [DateTime]::UtcNow -lt $deadline -and -not $sshd.HasExited) {
        $up = $true
        foreach ($address in '127.0.0.2', '127.0.0.3') {
            $client = [System.Net.Sockets.TcpClient]::new()
            try { $client.Connect($address, $port) } catch { $up = $false } finally { $client.Dispose() }
        }
        if (-not $up) { Start-Sleep -Milliseconds 100 }
    }
    if (-not $up) {
        if (-not $sshd.HasExited) { $sshd.Kill($true); $sshd.WaitForExit() }
        $text = if ($log.Wait(2000)) { $log.Result } else { '' }
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
        throw "The private sshd did not start: $text"
    }

    [pscustomobject]@{
        Folder        = $dir
        Port          = $port
        KeyFilePath   = "$dir/client_key"
        OtherKeyPath  = "$dir/other_key"
        KnownHosts    = "$dir/known_hosts"
        PowerShellPath = $pwsh
        # Every remote worker's command line holds this.
        WorkerMarker  = $pwsh
        Process       = $sshd
        Log           = $log
        Options       = @{ UserKnownHostsFile = "$dir/known_hosts"; GlobalKnownHostsFile = '/dev/null' }
    }
}

function Get-SshTestParameter {
    <#
    .SYNOPSIS
        The connection parameters of this test host, for splatting into -HostName commands: its port,
        the client key (or the one given), the ssh options (or those given) and the remote pwsh.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] $SshHost, [hashtable] $Options, [string] $KeyFilePath)

    @{
        Port           = $SshHost.Port
        KeyFilePath    = if ($KeyFilePath) { $KeyFilePath } else { $SshHost.KeyFilePath }
        Options        = if ($Options) { $Options } else { $SshHost.Options }
        PowerShellPath = $SshHost.PowerShellPath
    }
}

function Get-SshTestRemoteWorker {
    <#
    .SYNOPSIS
        The process ids of remote workers of this test host still alive (their wrapper's path is on their command line).
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param([Parameter(Mandatory)] $SshHost)

    $found = & pgrep -f -- $SshHost.WorkerMarker
    @($found | Where-Object { $_ } | ForEach-Object { [int] $_ } | Where-Object { $_ -ne $PID })
}

function Get-SshTestClient {
    <#
    .SYNOPSIS
        The process ids of local ssh clients connected to this test host.
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param([Parameter(Mandatory)] $SshHost)

    $found = & pgrep -f -- "^([^ ]*/)?ssh .*-p $($SshHost.Port) "
    @($found | Where-Object { $_ } | ForEach-Object { [int] $_ })
}

function Stop-SshTestHost {
    <#
    .SYNOPSIS
        Stops the private sshd and every session it serves, then removes its folder.
    #>
    [CmdletBinding()]
    param($SshHost)

    if (-not $SshHost) { return }
    foreach ($id in @(Get-SshTestClient $SshHost) + @(Get-SshTestRemoteWorker $SshHost)) {
        Stop-Process -Id $id -Force -ErrorAction SilentlyContinue
    }
    $sshd = $SshHost.Process
    if (-not $sshd.HasExited) {
        # The tree: the listener and the processes serving open connections.
        $sshd.Kill($true)
        $null = $sshd.WaitForExit(10000)
    }
    Remove-Item -LiteralPath $SshHost.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Get-SshTestHostSkipReason, Start-SshTestHost, Get-SshTestParameter, Get-SshTestRemoteWorker, Get-SshTestClient, Stop-SshTestHost
