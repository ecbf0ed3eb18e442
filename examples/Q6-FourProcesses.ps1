# Q6: four processes, each printing a different number.
$processes = 1..4 | ForEach-Object { Start-WorkerProcess -ArgumentList $_ { param($n) "Number: $n (process $PID)" } }
$processes | Wait-WorkerProcess
$processes | Remove-WorkerProcess
