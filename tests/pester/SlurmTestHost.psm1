#Requires -Version 7.0
# A private single-node Slurm for the tests of pools on Slurm: its own munge key and socket,
# slurm.conf, state, spool and logs in a temporary folder, slurmctld and slurmd on free ports,
# this machine the one node. The tests point srun at it with SLURM_CONF; stopping it ends every
# job, step and daemon it ran and removes the folder.

Set-StrictMode -Version Latest

function Get-SlurmTestHostSkipReason {
    <#
    .SYNOPSIS
        Installs Debian's slurm-wlm and munge when they are missing and this runs as root; returns
        why the tests must be skipped, or $null when they can run.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if (-not $IsLinux) { return 'the private Slurm of these tests runs on Linux only' }
    $have = { (Test-Path /usr/sbin/slurmctld) -and (Test-Path /usr/sbin/slurmd) -and (Test-Path /usr/sbin/munged) -and (Test-Path /usr/bin/srun) }
    if (-not (& $have)) {
        if ((id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
            return 'Slurm is not installed and cannot be (installing slurm-wlm and munge needs root and apt-get)'
        }
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # The packages' own services must not start: policy-rc.d answers "not now" while they install.
        $policy = '/usr/sbin/policy-rc.d'
        $ownPolicy = -not (Test-Path $policy)
        if ($ownPolicy) { Set-Content $policy -Value '#!/bin/sh', 'exit 101'; & chmod 755 $policy }
        try {
            $log = & apt-get install -y -q --no-install-recommends slurm-wlm munge 2>&1
            if ($LASTEXITCODE -ne 0) {
                $log = @(& apt-get update -q 2>&1) + @(& apt-get install -y -q --no-install-recommends slurm-wlm munge 2>&1)
            }
        }
        finally {
            if ($ownPolicy) { Remove-Item $policy -Force -ErrorAction SilentlyContinue }
        }
        if (-not (& $have)) { return "installing slurm-wlm and munge failed: $($log | Select-Object -Last 5)" }
    }
    if ((id -u) -ne '0') { return 'the private slurmd runs as root' }
    $null
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-Daemon {
    param([string] $Path, [string[]] $Arguments, [hashtable] $Environment)
    $info = [System.Diagnostics.ProcessStartInfo]::new($Path)
    foreach ($argument in $Arguments) { $info.ArgumentList.Add($argument) }
    foreach ($name in $Environment.Keys) { $info.Environment[$name] = $Environment[$name] }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    $process
}

function Start-SlurmTestHost {
    <#
    .SYNOPSIS
        Starts the private munged, slurmctld and slurmd; returns what the tests need to reach them.
        Sets $env:SLURM_CONF for this process (srun, squeue and scancel read it).
    #>
    [CmdletBinding()]
    param()

    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('pcslurm-' + [guid]::NewGuid().ToString('n').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $dir, "$dir/state", "$dir/spool", "$dir/log", "$dir/munge"
    & chmod 700 $dir "$dir/munge"
    $key = [byte[]]::new(1024)
    [System.Security.Cryptography.RandomNumberGenerator]::Fill($key)
    [System.IO.File]::WriteAllBytes("$dir/munge/munge.key", $key)
    & chmod 600 "$dir/munge/munge.key"

    $node = (& hostname).Trim()
    $conf = "$dir/slurm.conf"
    Set-Content $conf -Value @(
        'ClusterName=pctest'
        "SlurmctldHost=$node"
        "SlurmctldPort=$(Get-FreePort)"
        "SlurmdPort=$(Get-FreePort)"
        'AuthType=auth/munge'
        "AuthInfo=socket=$dir/munge/munge.socket"
        'CredType=cred/munge'
        'ProctrackType=proctrack/linuxproc'
        'TaskPlugin=task/none'
        'SelectType=select/cons_tres'
        'SelectTypeParameters=CR_Core'
        "StateSaveLocation=$dir/state"
        "SlurmdSpoolDir=$dir/spool"
        "SlurmctldPidFile=$dir/slurmctld.pid"
        "SlurmdPidFile=$dir/slurmd.pid"
        "SlurmctldLogFile=$dir/log/ctld.log"
        "SlurmdLogFile=$dir/log/d.log"
        'SlurmUser=root'
        'MpiDefault=none'
        'ReturnToService=2'
        "NodeName=$node CPUs=2 State=UNKNOWN"
        "PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8"
    )

    $environment = @{ SLURM_CONF = $conf }
    $daemons = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
    $daemons.Add((Start-Daemon /usr/sbin/munged @('-F', "--socket=$dir/munge/munge.socket", "--key-file=$dir/munge/munge.key", "--pid-file=$dir/munge/munged.pid", "--log-file=$dir/log/munged.log", "--seed-file=$dir/munge/seed", '--force') $environment))
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path "$dir/munge/munge.socket") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    $daemons.Add((Start-Daemon /usr/sbin/slurmctld @('-D', '-c', '-f', $conf) $environment))
    $daemons.Add((Start-Daemon /usr/sbin/slurmd @('-D', '-f', $conf) $environment))
    $slurm = [pscustomobject]@{ Folder = $dir; Conf = $conf; Node = $node; Daemons = $daemons; PreviousConf = $env:SLURM_CONF }
    $env:SLURM_CONF = $conf

    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    $state = ''
    while ([DateTime]::UtcNow -lt $deadline) {
        $state = "$(& sinfo -h -N -o '%t' 2>&1)".Trim()
        if ($state -match '^idle|^mix|^alloc') { break }
        Start-Sleep -Milliseconds 250
    }
    if ($state -notmatch '^idle|^mix|^alloc') {
        $logs = Get-ChildItem "$dir/log" -File | ForEach-Object { Get-Content $_.FullName -Tail 5 }
        Stop-SlurmTestHost $slurm
        throw "The private Slurm did not start (node state '$state'): $logs"
    }
    $slurm
}

function Get-SlurmTestJob {
    <#
    .SYNOPSIS
        The jobs of the private Slurm, pending or running: "id name state" each.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    @(& squeue -h -o '%i %j %T' 2>$null | Where-Object { $_ })
}

function Get-SlurmTestStepProcess {
    <#
    .SYNOPSIS
        The process ids of the job steps' processes (slurmstepd and what it runs) still alive.
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param()
    @(& pgrep -f -- 'slurmstepd' | Where-Object { $_ } | ForEach-Object { [int] $_ })
}

function Stop-SlurmTestHost {
    <#
    .SYNOPSIS
        Cancels every job, stops the daemons and every step they ran, then removes the folder.
    #>
    [CmdletBinding()]
    param($Slurm)

    if (-not $Slurm) { return }
    $null = & scancel --quiet --user root 2>&1
    foreach ($daemon in $Slurm.Daemons) {
        if (-not $daemon.HasExited) {
            $daemon.Kill($true)
            $null = $daemon.WaitForExit(10000)
        }
    }
    foreach ($id in Get-SlurmTestStepProcess) { Stop-Process -Id $id -Force -ErrorAction SilentlyContinue }
    $env:SLURM_CONF = $Slurm.PreviousConf
    Remove-Item -LiteralPath $Slurm.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Get-SlurmTestHostSkipReason, Start-SlurmTestHost, Get-SlurmTestJob, Get-SlurmTestStepProcess, Stop-SlurmTestHost
