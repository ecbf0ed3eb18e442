# Q4: a pool of 4 worker processes maps a function over a list.
$pool = New-ProcessPool -ProcessCount 4
$results = 1..5 | Invoke-ProcessPoolMap -Pool $pool { param($x) $x * $x }
"[" + ($results -join ', ') + "]"
$pool | Remove-ProcessPool
