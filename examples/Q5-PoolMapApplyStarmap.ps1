# Q5: a pool's map, apply and starmap, then close and join.
# The functions are the session's; each worker gets their definitions once.
function WorkerFunction($x) { $x * $x }
function Add($a, $b) { $a + $b }
function Multiply($a, $b) { $a * $b }

$pool = New-ProcessPool -ProcessCount 4
"map:     " + ((1..5 | Invoke-ProcessPoolMap -Pool $pool { WorkerFunction $_ }) -join ', ')
"apply:   " + (Invoke-ProcessPoolApply -Pool $pool { Add 2 3 })
"starmap: " + ((@(1, 2), @(3, 4), @(5, 6) | Invoke-ProcessPoolMap -Pool $pool -Splat { param($a, $b) Multiply $a $b }) -join ', ')
$pool | Remove-ProcessPool   # close() and join()
"pool state after close and join: $($pool.State)"
