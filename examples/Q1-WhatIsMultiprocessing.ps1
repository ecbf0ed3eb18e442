# Q1: multiprocessing runs work in separate processes, each with its own memory, in parallel.
$workers = 1..2 | ForEach-Object {
    Start-WorkerProcess -ArgumentList $_ {
        param($n)
        $start = Get-Date
        $s = 0; for ($i = 0; $i -lt 2000000; $i++) { $s += $i }
        [pscustomobject]@{ Worker = $n; ProcessId = $PID; Started = $start.ToString('HH:mm:ss.fff'); Ended = (Get-Date).ToString('HH:mm:ss.fff') }
    }
}
$workers | Wait-WorkerProcess | Format-Table Worker, ProcessId, Started, Ended
"The session is process $PID; each worker is its own process, and their runs overlap."
$workers | Remove-WorkerProcess
