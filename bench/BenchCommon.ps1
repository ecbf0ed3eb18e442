# Helpers shared by the benchmark scenarios. Dot-sourced by Invoke-Benchmarks.ps1, which sets
# $script:BenchContext before any scenario runs.

function Get-BenchPwshHost {
    <# The executable (and leading arguments) that start a fresh PowerShell like this one. #>
    $exe = [Environment]::ProcessPath
    $name = [IO.Path]::GetFileNameWithoutExtension($exe)
    if ($name -eq 'dotnet') {
        # `dotnet pwsh` (a dotnet tool) runs pwsh.dll on the shared runtime: do the same, without the tool resolution.
        return [pscustomobject]@{ FileName = $exe; Prefix = @(Join-Path $PSHOME 'pwsh.dll') }
    }
    if ($name -eq 'pwsh') {
        return [pscustomobject]@{ FileName = $exe; Prefix = @() }
    }
    # Hosted elsewhere: the pwsh beside the engine.
    $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    [pscustomobject]@{ FileName = $pwsh; Prefix = @() }
}

function Find-BenchPython {
    <# python3 (or a `python` that is Python 3), or $null when there is none. #>
    foreach ($candidate in 'python3', 'python') {
        $command = Get-Command $candidate -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $command) { continue }
        try {
            $version = (& $command.Source --version 2>&1 | Out-String).Trim()
        } catch {
            continue
        }
        if ($LASTEXITCODE -eq 0 -and $version -match '^Python 3\.') {
            return [pscustomobject]@{ Path = $command.Source; Version = ($version -replace '^Python ', '') }
        }
    }
    $null
}

function Invoke-BenchProcess {
    <# Runs a program to its end and returns its exit code, output and wall time. #>
    param(
        [Parameter(Mandatory)] [string] $FileName,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 900
    )
    $info = [Diagnostics.ProcessStartInfo]::new($FileName)
    foreach ($argument in $ArgumentList) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.WorkingDirectory = $script:BenchContext.RepositoryRoot

    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($info)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "$FileName did not finish within $TimeoutSeconds s."
        }
        $stopwatch.Stop()
        if (-not [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]] @($stdout, $stderr), 15000)) {
            throw "$FileName ended but its output streams stayed open (a child process kept them)."
        }
        [pscustomobject]@{
            ExitCode     = $process.ExitCode
            Output       = $stdout.Result
            ErrorOutput  = $stderr.Result
            Milliseconds = $stopwatch.Elapsed.TotalMilliseconds
        }
    } finally {
        $process.Dispose()
    }
}

function Get-BenchResultLine {
    <# The object a child printed as `BENCH_RESULT <json>`. #>
    param([Parameter(Mandatory)] $Run, [string] $What)
    $line = ($Run.Output -split "`r?`n") | Where-Object { $_ -like 'BENCH_RESULT *' } | Select-Object -Last 1
    if ($Run.ExitCode -ne 0 -or -not $line) {
        $detail = (($Run.ErrorOutput, $Run.Output) -join "`n").Trim()
        if ($detail.Length -gt 1500) { $detail = $detail.Substring(0, 1500) + ' ...' }
        throw "$What failed (exit code $($Run.ExitCode)): $detail"
    }
    $line.Substring('BENCH_RESULT '.Length) | ConvertFrom-Json
}

function Invoke-FreshPwsh {
    <#
    Runs a script block's text in a new PowerShell process (-NoProfile -File) and returns the object
    it printed as `BENCH_RESULT <json>`. The script block is never run in this session.
    #>
    param(
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [object[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 900
    )
    $context = $script:BenchContext
    $file = Join-Path $context.TempDirectory ("fresh-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
    Set-Content -LiteralPath $file -Value $ScriptBlock.ToString() -Encoding utf8
    try {
        $arguments = @($context.PwshHost.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $file) + @($ArgumentList | ForEach-Object { [string] $_ })
        $run = Invoke-BenchProcess -FileName $context.PwshHost.FileName -ArgumentList $arguments -TimeoutSeconds $TimeoutSeconds
        Get-BenchResultLine -Run $run -What 'The fresh PowerShell process'
    } finally {
        Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
    }
}

function Measure-BarePwshStart {
    <# Wall time, in milliseconds, of `pwsh -NoProfile -Command exit` with the same host executable. #>
    $context = $script:BenchContext
    $arguments = @($context.PwshHost.Prefix) + @('-NoProfile', '-Command', 'exit')
    $run = Invoke-BenchProcess -FileName $context.PwshHost.FileName -ArgumentList $arguments -TimeoutSeconds 120
    if ($run.ExitCode -ne 0) { throw "pwsh -NoProfile -Command exit returned $($run.ExitCode): $($run.ErrorOutput)" }
    $run.Milliseconds
}

function Invoke-PythonBench {
    <# Runs bench/python/bench.py with the given arguments and returns the object it printed. #>
    param([Parameter(Mandatory)] [object[]] $ArgumentList)
    $context = $script:BenchContext
    $script = Join-Path $PSScriptRoot 'python/bench.py'
    $arguments = @($script) + @($ArgumentList | ForEach-Object { [string] $_ })
    $run = Invoke-BenchProcess -FileName $context.Python.Path -ArgumentList $arguments -TimeoutSeconds 900
    Get-BenchResultLine -Run $run -What "python bench.py $($ArgumentList -join ' ')"
}

function Assert-BenchResult {
    <# Throws when a measured run did not produce the expected results, so a wrong answer is never timed. #>
    param([bool] $Condition, [string] $Message)
    if (-not $Condition) { throw "Wrong results: $Message" }
}

function Get-BenchMedian {
    param([double[]] $Values)
    if ($null -eq $Values -or $Values.Count -eq 0) { return $null }
    $sorted = [double[]] ($Values | Sort-Object)
    $middle = [int] [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Get-BenchLeftover {
    <#
    Processes started by this benchmark run that are still alive. On Linux every process carrying
    this run's tag in its environment (fresh sessions, workers, jobs, Python children); elsewhere
    ProcCmdlets workers and job processes whose parent is this session.
    #>
    $context = $script:BenchContext
    if ($IsLinux) {
        $marker = "PROCCMDLETS_BENCH_TAG=$($context.Tag)"
        foreach ($directory in [IO.Directory]::GetDirectories('/proc')) {
            $name = [IO.Path]::GetFileName($directory)
            $id = 0
            if (-not [int]::TryParse($name, [ref] $id) -or $id -eq $PID) { continue }
            try {
                $environment = [Text.Encoding]::Latin1.GetString([IO.File]::ReadAllBytes("$directory/environ"))
            } catch {
                continue
            }
            if ($environment.Contains($marker)) {
                $process = Get-Process -Id $id -ErrorAction SilentlyContinue
                if ($process) { $process }
            }
        }
        return
    }
    Get-Process | Where-Object {
        $_.Id -ne $PID -and $_.Parent -and $_.Parent.Id -eq $PID -and
        ($_.CommandLine -match 'ProcCmdlets\.Worker|WorkerMain' -or $_.ProcessName -match '^(pwsh|powershell|dotnet)$')
    }
}

function Wait-BenchSettled {
    <#
    Waits (untimed, up to -TimeoutSeconds) until the processes a measurement started have ended, so
    that their exit does not land in the next measurement. -Keep lists the ids that were alive
    before it (a scenario's own pool), which are left alone.
    #>
    param([int[]] $Keep = @(), [int] $TimeoutSeconds = 10)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (@(Get-BenchLeftover | Where-Object { $_.Id -notin $Keep }).Count -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 100
    }
}

function Wait-BenchNoLeftover {
    <#
    Waits up to -TimeoutSeconds for the processes started by a scenario to end. Any still alive then
    are reported, killed by id (they were started by this run) and returned.
    #>
    param([string] $Scenario, [int] $TimeoutSeconds = 15)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    do {
        $left = @(Get-BenchLeftover)
        if ($left.Count -eq 0) { return @() }
        Start-Sleep -Milliseconds 500
    } while ([DateTime]::UtcNow -lt $deadline)

    $described = foreach ($process in $left) {
        $commandLine = try { $process.CommandLine } catch { $null }
        "$($process.Id) $($process.ProcessName) $commandLine".Trim()
    }
    Write-Warning "Scenario $Scenario left $($left.Count) process(es) behind; killing them: $($described -join '; ')"
    foreach ($process in $left) {
        Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
    }
    @($described)
}

# Helpers every fresh first-use process gets ahead of its body (Invoke-FreshFirstUse).
$script:BenchFreshPrelude = @'
param([string] $ModulePath, [string] $Argument)
$ErrorActionPreference = 'Stop'
function Get-BenchCpuSeconds {
    <# CPU seconds (user + system) of processes, this one when no id is given. #>
    param([int[]] $Id = @($PID))
    $total = 0.0
    foreach ($one in $Id) {
        $process = Get-Process -Id $one -ErrorAction SilentlyContinue
        if ($process) { $total += $process.TotalProcessorTime.TotalSeconds }
    }
    $total
}
function Get-BenchJitThreadCpu {
    <#
    CPU seconds per thread of this process's .NET background recompiling thread(s) (Linux; empty
    elsewhere): the runtime's tiered compilation, which the session's own settings govern.
    #>
    $threads = @{}
    if (-not $IsLinux) { return $threads }
    foreach ($task in [IO.Directory]::GetDirectories("/proc/$PID/task")) {
        try {
            if (-not [IO.File]::ReadAllText("$task/comm").StartsWith('.NET Tiered')) { continue }
            $stat = [IO.File]::ReadAllText("$task/stat")
            $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
            $threads[$task] = ([long] $fields[11] + [long] $fields[12]) / 100.0
        } catch { }
    }
    $threads
}
function Wait-BenchPoolIdle {
    <# Waits (untimed) until a new pool's workers have started and gone quiet: its start is not part of the first map. #>
    param($Pool, [int] $TimeoutSeconds = 60)
    Wait-BenchQuiet -TimeoutSeconds $TimeoutSeconds -Id {
        $ids = @($Pool.WorkerProcessIds)
        if ($ids.Count -ge $Pool.ProcessCount) { $ids }
    }
}
function Wait-BenchQuiet {
    <#
    Waits (untimed) until the processes whose ids $Id gives (read again each time; nothing while
    they are not all there yet) have used no CPU for four windows of 300 ms in a row.
    #>
    param([scriptblock] $Id, [int] $TimeoutSeconds = 60)
    # Four windows: on a busy machine a worker still warming up can go a window without a core, and
    # a first item that meets its warm-up is not a first use.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $last = -1.0
    $quiet = 0
    while ([DateTime]::UtcNow -lt $deadline -and $quiet -lt 4) {
        Start-Sleep -Milliseconds 300
        $ids = @(& $Id)
        if ($ids.Count -eq 0) { continue }
        $cpu = Get-BenchCpuSeconds -Id $ids
        if ([math]::Abs($cpu - $last) -lt 0.015) { $quiet++ } else { $quiet = 0 }
        $last = $cpu
    }
}
function Measure-BenchFirstUse {
    <# Runs a block once, timed: wall seconds, this session's CPU seconds and its workers' CPU seconds. #>
    param([scriptblock] $Block, [int[]] $Workers = @())
    $jitBefore = Get-BenchJitThreadCpu
    $cpu = Get-BenchCpuSeconds
    $workerCpu = if ($Workers.Count) { Get-BenchCpuSeconds -Id $Workers } else { 0 }
    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
    $output = @(& $Block)
    $stopwatch.Stop()
    $sessionCpu = (Get-BenchCpuSeconds) - $cpu
    $workersCpu = if ($Workers.Count) { (Get-BenchCpuSeconds -Id $Workers) - $workerCpu } else { 0 }
    $jitAfter = Get-BenchJitThreadCpu
    $jit = 0.0
    foreach ($thread in $jitAfter.Keys) { $jit += $jitAfter[$thread] - [double] $jitBefore[$thread] }
    [pscustomobject]@{ Seconds = $stopwatch.Elapsed.TotalSeconds; Cpu = $sessionCpu; Jit = [math]::Max(0.0, $jit); WorkerCpu = $workersCpu; Output = $output }
}
'@
# The same helpers in this process, for steady rows that wait for their pools to settle (h4);
# without the prelude's param line, which would replace this script's own $ModulePath.
. ([scriptblock]::Create($script:BenchFreshPrelude.Substring($script:BenchFreshPrelude.IndexOf("`n") + 1)))

function Invoke-FreshFirstUse {
    <#
    Runs -Body in a new PowerShell process after the helpers of $BenchFreshPrelude ($ModulePath and
    $Argument are its parameters) and returns the object it printed as `BENCH_RESULT <json>`.
    Nothing of it runs in this session first: what it measures is a fresh session's first use.
    #>
    param([Parameter(Mandatory)] [string] $Body, [string] $Argument = '', [int] $TimeoutSeconds = 900)
    $context = $script:BenchContext
    $file = Join-Path $context.TempDirectory ("first-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
    Set-Content -LiteralPath $file -Value ($script:BenchFreshPrelude + "`n" + $Body) -Encoding utf8
    try {
        $arguments = @($context.PwshHost.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $file, '-ModulePath', $context.ModulePath, '-Argument', $Argument)
        $run = Invoke-BenchProcess -FileName $context.PwshHost.FileName -ArgumentList $arguments -TimeoutSeconds $TimeoutSeconds
        Get-BenchResultLine -Run $run -What 'The fresh PowerShell process'
    } finally {
        Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
    }
}

function Measure-BenchSteady {
    <# Runs a block in this session, timed: @{ Seconds; Cpu } with this session's CPU seconds. #>
    param([Parameter(Mandatory)] [scriptblock] $Block)
    $self = [Diagnostics.Process]::GetCurrentProcess()
    $cpu = $self.TotalProcessorTime
    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
    $output = @(& $Block)
    $stopwatch.Stop()
    $self.Refresh()
    [pscustomobject]@{ Seconds = $stopwatch.Elapsed.TotalSeconds; Cpu = ($self.TotalProcessorTime - $cpu).TotalSeconds; Output = $output }
}

function Measure-BenchWarmMaps {
    <#
    The same map of $State.Items integers through { $_ * $_ } on each of the warm pools named in
    $Pools (row key = pool), one after the other; returns items per second by row key.
    #>
    param([hashtable] $State, [System.Collections.Specialized.OrderedDictionary] $Pools)
    $n = $State.Items
    $figures = @{}
    foreach ($key in $Pools.Keys) {
        $stopwatch = [Diagnostics.Stopwatch]::StartNew()
        $results = 1..$n | Invoke-ProcessPoolMap { $_ * $_ } -Pool $Pools[$key]
        $stopwatch.Stop()
        Assert-BenchResult ($results.Count -eq $n -and $results[-1] -eq $n * $n) "map ($key)"
        $figures[$key] = $n / $stopwatch.Elapsed.TotalSeconds
    }
    $figures
}

function Remove-BenchSshPools {
    <# A scenario's cleanup: its local and remote pools, then its private sshd. #>
    param([hashtable] $State)
    foreach ($pool in $State.Local, $State.Remote) { if ($pool) { Remove-ProcessPool $pool -Force } }
    Stop-SshTestHost $State.Ssh
}

function Wait-BenchWorkersAnswered {
    <#
    Maps one short item per chunk until $Count different worker processes have answered (their own
    $PID, on whatever host), so that a "warm" row does not time workers still starting: a host
    agent starts a host's later workers once its first is ready. Fails the run after $TimeoutSeconds.
    #>
    param($Pool, [int] $Count, [double] $TimeoutSeconds = 300)
    $seen = [System.Collections.Generic.HashSet[string]]::new()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($seen.Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) {
        foreach ($id in @(1..($Count * 2) | Invoke-ProcessPoolMap -Pool $Pool -ChunkSize 1 { Start-Sleep -Milliseconds 100; "$([Environment]::MachineName) $PID" })) { $null = $seen.Add($id) }
    }
    Assert-BenchResult ($seen.Count -ge $Count) "$Count workers answering (saw $($seen.Count))"
}
