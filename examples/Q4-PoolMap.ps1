# Q4: a pool of 4 worker processes maps a function over a list.
# Square is defined here, in the session; the workers get its definition, as a spawned Python child re-imports the main module.
function Square($x) { $x * $x }

$pool = New-ProcessPool -ProcessCount 4
$results = 1..5 | Invoke-ProcessPoolMap -Pool $pool { Square $_ }
"[" + ($results -join ', ') + "]"
$pool | Remove-ProcessPool
