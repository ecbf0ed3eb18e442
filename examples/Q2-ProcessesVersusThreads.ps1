# Q2: threads share their process's memory; processes each have their own.
[AppDomain]::CurrentDomain.SetData('owner', 'the session')
Start-ThreadJob { [AppDomain]::CurrentDomain.SetData('owner', "a thread of process $PID") } | Wait-Job | Remove-Job
"After a thread job wrote it, the session sees: $([AppDomain]::CurrentDomain.GetData('owner'))"
$worker = Start-WorkerProcess { [AppDomain]::CurrentDomain.SetData('owner', "worker process $PID"); "The worker sees: $([AppDomain]::CurrentDomain.GetData('owner'))" }
$worker | Wait-WorkerProcess
$worker | Remove-WorkerProcess
"After a worker process wrote it, the session (process $PID) still sees: $([AppDomain]::CurrentDomain.GetData('owner'))"
