# Q7: a producer/consumer pipeline between workers through shared queues, with a shared counter.
$tasks = New-ProcessQueue -MaxSize 10
$results = New-ProcessQueue
$done = New-ProcessValue 0

# Two consumers square what they get until they get $null, counting their work atomically.
$consumers = 1..2 | ForEach-Object {
    Start-WorkerProcess -ArgumentList $tasks, $results, $done {
        param($tasks, $results, $done)
        while ($null -ne ($n = $tasks.Get())) {
            $results.Put([pscustomobject]@{ N = $n; Square = $n * $n })
            $null = $done.Add(1)
        }
    }
}

# The producer waits while the bounded queue is full, then tells each consumer to stop.
$producer = Start-WorkerProcess -ArgumentList $tasks { param($tasks) 1..20 | ForEach-Object { $tasks.Put($_) }; $tasks.Put($null); $tasks.Put($null) }

$squares = 1..20 | ForEach-Object { $results.Get(60) } | Sort-Object N
$producer, $consumers | Wait-WorkerProcess | Out-Null
"Items done: $($done.Value); sum of squares: $(($squares | Measure-Object -Property Square -Sum).Sum)"
$producer, $consumers | Remove-WorkerProcess
