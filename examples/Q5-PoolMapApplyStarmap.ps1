# Q5: a pool's map, apply and starmap, then close and join.
$pool = New-ProcessPool -ProcessCount 4
"map:     " + ((1..5 | Invoke-ProcessPoolMap -Pool $pool { $_ * $_ }) -join ', ')
"apply:   " + (Invoke-ProcessPoolApply -Pool $pool { param($a, $b) $a + $b } -ArgumentList 2, 3)
"starmap: " + ((@(1, 2), @(3, 4), @(5, 6) | Invoke-ProcessPoolMap -Pool $pool -Splat { param($a, $b) $a * $b }) -join ', ')
$pool | Remove-ProcessPool   # close() and join()
"pool state after close and join: $($pool.State)"
