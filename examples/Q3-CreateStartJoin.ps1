# Q3: create a process, start it, wait for it (join), then go on.
$process = Start-WorkerProcess { foreach ($i in 0..4) { "Number: $i" } }
$process | Wait-WorkerProcess
"Process completed (exit code $($process.ExitCode))."
$process | Remove-WorkerProcess
