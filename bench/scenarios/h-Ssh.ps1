<#
.SYNOPSIS
    h. Workers on other hosts over loopback SSH: throughput (h1) and cold start (h2).
.DESCRIPTION
    A private sshd on 127.0.0.2 and 127.0.0.3 (tests/pester/SshTestHost.psm1) stands for two
    hosts; the remote pwsh is the benchmark's own. Nothing is returned, so nothing is measured,
    when that sshd cannot run here (not Linux, or sshd missing and not root).
#>
param($Bench)

Import-Module (Join-Path $PSScriptRoot '../../tests/pester/SshTestHost.psm1') -Force -Global
$skip = Get-SshTestHostSkipReason
if ($skip) {
    Write-Warning "h (SSH) skipped: $skip"
    return
}

$items = 20000
@{
    Id           = 'h1'
    Title        = 'Trivial map over SSH'
    Description  = "$('{0:N0}' -f $items) integers through ``{ `$_ * `$_ }`` on two workers, both warm: a local pool of 2, and a pool of one worker on each of two hosts reached over loopback SSH (a private sshd on 127.0.0.2 and 127.0.0.3, the same machine)."
    Unit         = 'items/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Items = $items }

    Setup        = {
        param($State)
        $State.Ssh = Start-SshTestHost
        $State.Connection = @{
            Port = $State.Ssh.Port; KeyFilePath = $State.Ssh.KeyFilePath; Options = $State.Ssh.Options
            PowerShellPath = $State.Ssh.PowerShellPath
        }
        $State.Local = New-ProcessPool 2
        $c = $State.Connection
        $State.Remote = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 1 @c
        foreach ($pool in $State.Local, $State.Remote) {
            $warm = 1..200 | Invoke-ProcessPoolMap { $_ * $_ } -Pool $pool
            Assert-BenchResult (@($warm).Count -eq 200) 'the warm-up map'
        }
    }
    Cleanup      = { param($State) Remove-BenchSshPools $State }

    Rows         = @(
        @{ Key = 'Local'; Name = 'Invoke-ProcessPoolMap, warm local pool of 2'; Baseline = $true }
        @{
            Key = 'Ssh'; Name = 'Invoke-ProcessPoolMap, warm pool of 1 on each of 2 SSH hosts'; Product = $true
            Targets = @(@{ Text = '≥ 0.5x local'; Against = 'Local'; Op = '>='; Ratio = 0.5 })
        }
    )

    Measurements = @(
        @{
            Keys   = 'Local', 'Ssh'
            Warmup = $true
            Run    = {
                param($State)
                Measure-BenchWarmMaps $State ([ordered]@{ Local = $State.Local; Ssh = $State.Remote })
            }
        }
    )
}

@{
    Id           = 'h2'
    Title        = 'Cold start over SSH'
    Description  = 'A fresh session creates a pool and maps one item, timed from just before New-ProcessPool to the first result: a local pool of 2, and a pool of one worker on each of two hosts over loopback SSH (ssh connects, the remote pwsh starts, the module is sent and loaded there).'
    Unit         = 'ms'
    Ratio        = 'Relative'
    Parameters   = @{}

    Setup        = {
        param($State)
        $State.Ssh = Start-SshTestHost
    }
    Cleanup      = {
        param($State)
        Stop-SshTestHost $State.Ssh
    }

    Rows         = @(
        @{ Key = 'Local'; Name = 'New-ProcessPool 2 to first result'; Baseline = $true }
        @{
            Key = 'Ssh'; Name = 'New-ProcessPool -HostName (2 hosts) to first result'; Product = $true
            Targets = @(@{ Text = '≤ 2x local'; Against = 'Local'; Op = '<='; Ratio = 2 })
        }
    )

    Measurements = @(
        @{
            Keys = 'Local'
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath -ScriptBlock {
                    param([string] $ModulePath)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $ModulePath
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $p = New-ProcessPool -ProcessCount 2
                    $first = 1 | Invoke-ProcessPoolMap { $_ } -Pool $p
                    $ms = $stopwatch.Elapsed.TotalMilliseconds
                    Remove-ProcessPool $p -Force
                    if ($first -ne 1) { throw "unexpected result '$first'" }
                    "BENCH_RESULT $(@{ ms = $ms } | ConvertTo-Json -Compress)"
                }
                $result.ms
            }
        }
        @{
            Keys = 'Ssh'
            Run  = {
                param($State)
                $s = $State.Ssh
                $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath, $s.Port, $s.KeyFilePath, $s.KnownHosts, $s.PowerShellPath -ScriptBlock {
                    param([string] $ModulePath, [int] $Port, [string] $Key, [string] $KnownHosts, [string] $Pwsh)
                    $ErrorActionPreference = 'Stop'
                    Import-Module $ModulePath
                    $options = @{ UserKnownHostsFile = $KnownHosts; GlobalKnownHostsFile = '/dev/null' }
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $p = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 1 -Port $Port -KeyFilePath $Key -Options $options -PowerShellPath $Pwsh
                    $first = 1 | Invoke-ProcessPoolMap { $_ } -Pool $p
                    $ms = $stopwatch.Elapsed.TotalMilliseconds
                    Remove-ProcessPool $p -Force
                    if ($first -ne 1) { throw "unexpected result '$first'" }
                    "BENCH_RESULT $(@{ ms = $ms } | ConvertTo-Json -Compress)"
                }
                $result.ms
            }
        }
    )
}

$agentItems = 20000
@{
    Id           = 'h3'
    Title        = 'Host agent: 2 hosts x 4 workers against a local pool of 8, first use'
    Description  = "A fresh session creates a pool, maps one item, then maps $('{0:N0}' -f $agentItems) integers through ``{ `$_ * `$_ }``: a local pool of 8, and a pool of 4 workers on each of two hosts over loopback SSH (one ssh client per host carries its 4 workers through a host agent; the run fails unless exactly 2 ssh processes serve the pool). First result is timed from just before New-ProcessPool. Both pools start in the same run, one after the other, so that they meet the same load."
    Unit         = 'ms'
    Ratio        = 'Relative'
    FirstUse     = $true
    Parameters   = @{ Items = $agentItems }

    Setup        = {
        param($State)
        $State.Ssh = Start-SshTestHost
    }
    Cleanup      = {
        param($State)
        Stop-SshTestHost $State.Ssh
    }

    Rows         = @(
        @{ Key = 'LocalFirst'; Name = 'New-ProcessPool 8 to first result'; Baseline = $true }
        @{
            Key = 'AgentFirst'; Name = 'New-ProcessPool -HostName (2 hosts) -ProcessCount 4 to first result'; Product = $true
            Targets = @(@{ Text = '≤ 1.2x local'; Against = 'LocalFirst'; Op = '<='; Ratio = 1.2 })
        }
        @{ Key = 'LocalMap'; Name = "Then $('{0:N0}' -f $agentItems) items, local pool of 8" }
        @{
            Key = 'AgentMap'; Name = "Then $('{0:N0}' -f $agentItems) items, 2 hosts x 4"; Product = $true
            Targets = @(@{ Text = '≤ 1.25x local (≥ 0.8x its throughput)'; Against = 'LocalMap'; Op = '<='; Ratio = 1.25 })
        }
    )

    Measurements = @(
        @{
            Keys = 'LocalFirst', 'AgentFirst', 'LocalMap', 'AgentMap'
            Run  = {
                param($State)
                $s = $State.Ssh
                $figures = @{}
                foreach ($kind in 'Local', 'Agent') {
                    $result = Invoke-FreshPwsh -ArgumentList $State.Bench.ModulePath, $kind, $State.Items, $s.Port, $s.KeyFilePath, $s.KnownHosts, $s.PowerShellPath -ScriptBlock {
                        param([string] $ModulePath, [string] $Kind, [int] $Items, [int] $Port, [string] $Key, [string] $KnownHosts, [string] $Pwsh)
                        $ErrorActionPreference = 'Stop'
                        Import-Module $ModulePath
                        $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                        $p = if ($Kind -eq 'Local') {
                            New-ProcessPool -ProcessCount 8
                        } else {
                            $options = @{ UserKnownHostsFile = $KnownHosts; GlobalKnownHostsFile = '/dev/null' }
                            New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 4 -Port $Port -KeyFilePath $Key -Options $options -PowerShellPath $Pwsh
                        }
                        $first = 1 | Invoke-ProcessPoolMap { $_ } -Pool $p
                        $firstMs = $stopwatch.Elapsed.TotalMilliseconds
                        # The ssh clients this session started (none for the local pool).
                        $ssh = @(Get-ChildItem /proc -Directory | Where-Object { $_.Name -match '^\d+$' } | Where-Object {
                                try {
                                    $stat = [IO.File]::ReadAllText("$($_.FullName)/stat")
                                    $stat.Contains('(ssh)') -and [int] ($stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[1]) -eq $PID
                                } catch { $false }
                            }).Count
                        $stopwatch.Restart()
                        $results = 1..$Items | Invoke-ProcessPoolMap { $_ * $_ } -Pool $p
                        $mapMs = $stopwatch.Elapsed.TotalMilliseconds
                        Remove-ProcessPool $p -Force
                        if ($first -ne 1 -or $results.Count -ne $Items -or $results[-1] -ne $Items * $Items) { throw 'unexpected results' }
                        "BENCH_RESULT $(@{ first = $firstMs; map = $mapMs; ssh = $ssh } | ConvertTo-Json -Compress)"
                    }
                    $expected = if ($kind -eq 'Local') { 0 } else { 2 }
                    Assert-BenchResult ($result.ssh -eq $expected) "$kind pool's ssh processes: $($result.ssh), expected $expected"
                    $figures["${kind}First"] = $result.first
                    $figures["${kind}Map"] = $result.map
                }
                $figures
            }
        }
    )
}

@{
    Id           = 'h4'
    Title        = 'Host agent: 2 hosts x 4 workers against a local pool of 8, warm'
    Description  = "$('{0:N0}' -f $agentItems) integers through ``{ `$_ * `$_ }`` on 8 warm workers: a local pool of 8, and a pool of 4 workers on each of two hosts over loopback SSH, each host's 4 over one ssh client and its host agent (the run fails unless exactly 2 ssh processes serve the pool). Before each timed map both pools' workers (and the agents) have used no CPU for 1.2 s, so that the rows measure settled pools, and the two rows take turns going first; h3 measures their first use."
    Unit         = 'items/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Items = $agentItems }

    Setup        = {
        param($State)
        $State.Ssh = Start-SshTestHost
        $c = Get-SshTestParameter -SshHost $State.Ssh
        $State.Local = New-ProcessPool 8
        $State.Remote = New-ProcessPool -HostName 127.0.0.2, 127.0.0.3 -ProcessCount 4 @c
        foreach ($pool in $State.Local, $State.Remote) {
            Wait-BenchWorkersAnswered -Pool $pool -Count 8
            $warm = 1..800 | Invoke-ProcessPoolMap { $_ * $_ } -Pool $pool
            Assert-BenchResult (@($warm).Count -eq 800) 'the warm-up map'
        }
        $clients = @(Get-SshTestClient $State.Ssh).Count
        Assert-BenchResult ($clients -eq 2) "the pool's ssh processes: $clients, expected 2"
    }
    Cleanup      = { param($State) Remove-BenchSshPools $State }

    Rows         = @(
        @{ Key = 'Local'; Name = 'Invoke-ProcessPoolMap, warm local pool of 8'; Baseline = $true }
        @{
            Key = 'Agent'; Name = 'Invoke-ProcessPoolMap, warm pool of 4 on each of 2 SSH hosts'; Product = $true
            Targets = @(@{ Text = '≥ 0.8x local'; Against = 'Local'; Op = '>='; Ratio = 0.8 })
        }
    )

    Measurements = @(
        @{
            Keys   = 'Local', 'Agent'
            Warmup = $true
            Run    = {
                param($State)
                # Warm means settled: 16 workers started together on 2 cores go on compiling for
                # seconds after their first maps, and maps timed meanwhile measured that (9,000 to
                # 150,000 items/s, either pool ahead). The remote workers are the children of the
                # test host's pwsh wrappers; the agents are among them.
                # Each map ends with its workers compiling what it made hot, so each row waits for
                # quiet of its own, and the rows take turns going first: timed straight after the
                # local map, the agent's map met the local workers' compiling (0.50x and 0.54x
                # against 0.75x and 0.59x this way, alternating runs; docs/performance.md).
                $State.Round = 1 + [int] $State.Round
                $order = if ($State.Round % 2) { 'Local', 'Agent' } else { 'Agent', 'Local' }
                $figures = @{}
                foreach ($key in $order) {
                    Wait-BenchQuiet -Id {
                        @($State.Local.WorkerProcessIds) + @(Get-SshTestRemoteWorker $State.Ssh | ForEach-Object { & pgrep -P $_ } | ForEach-Object { [int] $_ })
                    }
                    $pool = if ($key -eq 'Local') { $State.Local } else { $State.Remote }
                    $figures += Measure-BenchWarmMaps $State ([ordered]@{ $key = $pool })
                }
                $figures
            }
        }
    )
}
