<#
.SYNOPSIS
    g. Shared objects: a queue from a worker to the session, a put-then-get round trip, a lock
    taken by four workers.
.DESCRIPTION
    The session owns every shared object, so each figure includes the worker's channel: i1 counts
    items a worker puts and the session gets (a worker that has put as many before, and a new
    worker's first ones), i2 times one item to a worker and back, i3 counts
    lock acquisitions by four workers. Python's multiprocessing.Queue and Lock do the same work
    in bench/python/shared.py.
#>
param($Bench)

$queueItems = if ($Bench.Quick) { 20000 } else { 100000 }
$rounds = if ($Bench.Quick) { 1000 } else { 5000 }
$acquisitions = if ($Bench.Quick) { 4000 } else { 20000 }
$pythonScript = Join-Path $PSScriptRoot '../python/shared.py'

# No warm spare: it would outlive each scenario as a process left behind.
$noSpare = { param($State) $State.Spare = $global:ProcCmdletsWarmSpare; $global:ProcCmdletsWarmSpare = $false }
$restoreSpare = { param($State) $global:ProcCmdletsWarmSpare = $State.Spare }

# Runs bench/python/shared.py and returns the seconds it timed.
$python = {
    param($State, [string] $Command, [int] $Count)
    $run = Invoke-BenchProcess -FileName $State.Bench.Python.Path -ArgumentList @($State.PythonScript, $Command, $Count)
    (Get-BenchResultLine -Run $run -What "python shared.py $Command $Count").seconds
}

# i1: a worker puts $State.Items ints and the session gets them. With -Warm the worker first puts
# them all once, untimed, through the same loop (so that PowerShell has compiled that loop and .NET
# has recompiled the hot path, as in any worker that has been working for a moment), then both
# sides rest 500 ms, as the Python baseline's processes do, before the clock starts. Without it the
# clock covers a new worker's first puts.
$queueRun = {
    param($State, [bool] $Warm)
    $n = $State.Items
    $queue = New-ProcessQueue
    $go = New-ProcessEvent
    $rounds = if ($Warm) { 2 } else { 1 }
    $worker = Start-WorkerProcess -ArgumentList $queue, $go, $n, $rounds {
        param($q, $go, $n, $rounds)
        $q.Put('ready')
        for ($round = 1; $round -le $rounds; $round++) {
            if ($round -eq $rounds) { $go.Wait() }
            for ($i = 0; $i -lt $n; $i++) { $q.Put($i) }
        }
    }
    try {
        $null = $queue.Get(120)
        if ($Warm) {
            for ($i = 0; $i -lt $n; $i++) { $null = $queue.Get(120) }
            Start-Sleep -Milliseconds 500
        }
        $stopwatch = [Diagnostics.Stopwatch]::StartNew()
        $go.Set()
        $sum = 0
        for ($i = 0; $i -lt $n; $i++) { $sum += $queue.Get(120) }
        $stopwatch.Stop()
    }
    finally {
        $null = Wait-WorkerProcess -Worker $worker -Timeout 60
        Remove-WorkerProcess -Worker $worker -Force
    }
    Assert-BenchResult ($sum -eq [long]$n * ($n - 1) / 2) 'worker to session queue'
    $n / $stopwatch.Elapsed.TotalSeconds
}

@{
    Id           = 'i1'
    Title        = 'Shared queue, worker to session'
    Description  = "A worker puts $('{0:N0}' -f $queueItems) small integers in a ``New-ProcessQueue`` and the session gets them. Steady: the worker has put as many through the same loop once before, untimed, and both sides rested 500 ms; the clock starts when the session sets the event the worker waits on. First use: a new worker's first puts, the clock started as soon as it runs. Python: a ``Process`` puts into a ``multiprocessing.Queue`` and the parent gets, the same way as the steady row. The baseline puts and gets the same items in the session alone."
    Unit         = 'items/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Items = $queueItems; PythonScript = $pythonScript; Python = $python; QueueRun = $queueRun }
    Setup        = $noSpare
    Cleanup      = $restoreSpare
    Rows         = @(
        @{ Key = 'InProcess'; Name = 'Put and Get in the session alone'; Baseline = $true }
        @{
            Key = 'ProcCmdlets'; Name = 'ProcessQueue, worker Put, session Get'; Product = $true
            Targets = @(@{ Text = '≥ 2x Python'; Against = 'Python'; Op = '>='; Ratio = 2 })
        }
        @{
            Key = 'ProcCmdletsFirst'; Name = 'ProcessQueue, a new worker''s first puts'; Product = $true; FirstUse = $true
            Targets = @(@{ Text = '≥ Python'; Against = 'Python'; Op = '>='; Ratio = 1 })
        }
        @{ Key = 'Python'; Name = 'Python multiprocessing.Queue'; Python = $true }
    )
    Measurements = @(
        @{
            Keys   = 'InProcess'
            Warmup = $true
            Run    = {
                param($State)
                $n = $State.Items
                $queue = New-ProcessQueue
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                for ($i = 0; $i -lt $n; $i++) { $queue.Put($i) }
                $sum = 0
                for ($i = 0; $i -lt $n; $i++) { $sum += $queue.Get() }
                $stopwatch.Stop()
                Assert-BenchResult ($sum -eq [long]$n * ($n - 1) / 2) 'in-session queue'
                $n / $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys   = 'ProcCmdlets'
            Warmup = $true
            Run    = { param($State) & $State.QueueRun $State $true }
        }
        @{
            Keys = 'ProcCmdletsFirst'
            Run  = { param($State) & $State.QueueRun $State $false }
        }
        @{
            Keys = 'Python'
            Run  = { param($State) $State.Items / (& $State.Python $State queue $State.Items) }
        }
    )
}

@{
    Id           = 'i2'
    Title        = 'Shared queue round trip'
    Description  = "$('{0:N0}' -f $rounds) rounds of: the session puts an item in one queue, a worker gets it and puts it in another, the session gets it back (time per round). Python: the same with two ``multiprocessing.Queue``s and a ``Process``. The baseline does both puts and gets in the session alone."
    Unit         = 'ms'
    Ratio        = 'Relative'
    Parameters   = @{ Rounds = $rounds; PythonScript = $pythonScript; Python = $python }
    Setup        = $noSpare
    Cleanup      = $restoreSpare
    Rows         = @(
        @{ Key = 'InProcess'; Name = 'Put and Get in the session alone'; Baseline = $true }
        @{
            Key = 'ProcCmdlets'; Name = 'ProcessQueue, session to worker and back'; Product = $true
            Targets = @(@{ Text = '≤ Python'; Against = 'Python'; Op = '<='; Ratio = 1 })
        }
        @{ Key = 'Python'; Name = 'Python multiprocessing.Queue'; Python = $true }
    )
    Measurements = @(
        @{
            Keys   = 'InProcess'
            Warmup = $true
            Run    = {
                param($State)
                $inbox = New-ProcessQueue; $outbox = New-ProcessQueue
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                for ($i = 0; $i -lt $State.Rounds; $i++) { $inbox.Put($i); $outbox.Put($inbox.Get()); $null = $outbox.Get() }
                $stopwatch.Stop()
                $stopwatch.Elapsed.TotalMilliseconds / $State.Rounds
            }
        }
        @{
            Keys   = 'ProcCmdlets'
            Warmup = $true
            Run    = {
                param($State)
                $inbox = New-ProcessQueue; $outbox = New-ProcessQueue
                $worker = Start-WorkerProcess -ArgumentList $inbox, $outbox { param($in, $out) while ($null -ne ($x = $in.Get())) { $out.Put($x) } }
                try {
                    $inbox.Put(0); $null = $outbox.Get(120)
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    for ($i = 1; $i -le $State.Rounds; $i++) { $inbox.Put($i); $back = $outbox.Get(120) }
                    $stopwatch.Stop()
                    Assert-BenchResult ($back -eq $State.Rounds) 'round trip'
                }
                finally {
                    $inbox.Put($null)
                    $null = Wait-WorkerProcess -Worker $worker -Timeout 60
                    Remove-WorkerProcess -Worker $worker -Force
                }
                $stopwatch.Elapsed.TotalMilliseconds / $State.Rounds
            }
        }
        @{
            Keys = 'Python'
            Run  = { param($State) 1000 * (& $State.Python $State roundtrip $State.Rounds) / $State.Rounds }
        }
    )
}

@{
    Id           = 'i3'
    Title        = 'Shared lock, four workers'
    Description  = "Four workers take one ``New-ProcessLock`` $('{0:N0}' -f $acquisitions) times in all (``Acquire()`` then ``Release()``); the clock starts when the session sets the event the workers wait on, once all four are running. Python: four ``Process``es and a ``multiprocessing.Lock`` (a semaphore in shared memory, which does not survive its holder's death). The baseline takes the lock as often in the session alone."
    Unit         = 'items/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Acquisitions = $acquisitions; PythonScript = $pythonScript; Python = $python }
    Setup        = $noSpare
    Cleanup      = $restoreSpare
    Rows         = @(
        @{ Key = 'InProcess'; Name = 'Acquire and Release in the session alone'; Baseline = $true }
        @{
            Key = 'ProcCmdlets'; Name = 'ProcessLock, four workers'; Product = $true
            Targets = @(@{ Text = '≥ 20,000/s'; Op = '>='; Value = 20000 })
        }
        @{ Key = 'Python'; Name = 'Python multiprocessing.Lock, four processes'; Python = $true }
    )
    Measurements = @(
        @{
            Keys   = 'InProcess'
            Warmup = $true
            Run    = {
                param($State)
                $lock = New-ProcessLock
                $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                for ($i = 0; $i -lt $State.Acquisitions; $i++) { $lock.Acquire(); $lock.Release() }
                $stopwatch.Stop()
                $State.Acquisitions / $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys   = 'ProcCmdlets'
            Warmup = $true
            Run    = {
                param($State)
                $lock = New-ProcessLock
                $go = New-ProcessEvent
                $ready = New-ProcessQueue
                $each = [int]($State.Acquisitions / 4)
                $workers = 1..4 | ForEach-Object {
                    Start-WorkerProcess -ArgumentList $lock, $go, $ready, $each { param($l, $go, $ready, $n) $ready.Put($PID); $go.Wait(); for ($i = 0; $i -lt $n; $i++) { $l.Acquire(); $l.Release() }; $n }
                }
                try {
                    1..4 | ForEach-Object { $null = $ready.Get(120) }
                    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
                    $go.Set()
                    $taken = Wait-WorkerProcess -Worker $workers -Timeout 300
                    $stopwatch.Stop()
                }
                finally {
                    Remove-WorkerProcess -Worker $workers -Force
                }
                Assert-BenchResult ((@($taken) | Measure-Object -Sum).Sum -eq $each * 4) 'four workers taking the lock'
                $each * 4 / $stopwatch.Elapsed.TotalSeconds
            }
        }
        @{
            Keys = 'Python'
            Run  = { param($State) $State.Acquisitions / (& $State.Python $State lock $State.Acquisitions) }
        }
    )
}
