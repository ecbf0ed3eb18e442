#Requires -Version 7.0
# Invoke-ProcessPoolMap [map, imap, imap_unordered, starmap]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:pool = New-ProcessPool -ProcessCount 2 -Name 'MapTestPool'
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Invoke-ProcessPoolMap' {
    Context 'results' {
        It 'writes the results in input order' {
            # Early items take longest, so they finish last.
            $results = 1..6 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                Start-Sleep -Milliseconds ((7 - $_) * 150)
                $_ * 10
            }

            $results | Should -Be @(10, 20, 30, 40, 50, 60)
        }

        It 'with -Unordered writes the same set of results' {
            $results = 1..6 | Invoke-ProcessPoolMap -Pool $script:pool -Unordered -ChunkSize 1 {
                Start-Sleep -Milliseconds ((7 - $_) * 150)
                $_ * 10
            }

            $results | Should -HaveCount 6
            $results | Sort-Object | Should -Be @(10, 20, 30, 40, 50, 60)
        }

        It 'never interleaves the output of one item with another''s' {
            $results = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool -Unordered -ChunkSize 1 {
                foreach ($part in 'a', 'b', 'c') { "$_$part"; Start-Sleep -Milliseconds 100 }
            }

            $results | Should -HaveCount 12
            for ($i = 0; $i -lt 12; $i += 3) {
                $item = $results[$i].Substring(0, 1)
                $results[$i..($i + 2)] | Should -Be @("${item}a", "${item}b", "${item}c")
            }
        }

        It 'writes every object an item outputs, and objects keep their properties' {
            $results = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool {
                [pscustomobject]@{ Item = $_; Square = $_ * $_ }
                'second output'
            }

            $results | Should -HaveCount 4
            $results[0].Item | Should -Be 1
            $results[0].Square | Should -Be 1
            $results[1] | Should -Be 'second output'
            $results[2].Square | Should -Be 4
        }

        It 'gives each object back type names of its own to change, and leaves the input''s as they were' {
            $rows = 1..3 | ForEach-Object { [pscustomobject]@{ PSTypeName = 'My.Row'; N = $_ } }
            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject $rows { $_ }

            $results[0].pstypenames.Insert(0, 'Changed')
            $results[1] | Add-Member -TypeName Added

            $results[0].pstypenames[0..1] | Should -Be @('Changed', 'Deserialized.My.Row')
            $results[1].pstypenames[0..1] | Should -Be @('Added', 'Deserialized.My.Row')
            $results[2].pstypenames | Should -Be @('Deserialized.My.Row', 'Deserialized.System.Management.Automation.PSCustomObject', 'Deserialized.System.Object')
            $rows[0].pstypenames | Should -Be @('My.Row', 'System.Management.Automation.PSCustomObject', 'System.Object')
        }

        It 'runs the items in the pool''s workers, not in the session' {
            $pids = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool { $PID }

            $pids | Should -Not -Contain $PID
            foreach ($id in $pids) {
                $script:pool.WorkerProcessIds | Should -Contain $id
            }
        }
    }

    Context 'binding the item' {
        It 'binds the item to $_' {
            1..5 | Invoke-ProcessPoolMap -Pool $script:pool { $_ * $_ } | Should -Be @(1, 4, 9, 16, 25)
        }

        It 'binds the item to the first parameter' {
            1..5 | Invoke-ProcessPoolMap -Pool $script:pool { param($x) $x * $x } | Should -Be @(1, 4, 9, 16, 25)
        }

        It 'passes -ArgumentList values after the item' {
            1..3 | Invoke-ProcessPoolMap -Pool $script:pool -ArgumentList 100, 'z' {
                param($Item, $Add, $Suffix)
                "$($Item + $Add)$Suffix"
            } | Should -Be @('101z', '102z', '103z')
        }

        It 'with -Splat spreads an array over the positional parameters' {
            @(1, 2), @(3, 4) | Invoke-ProcessPoolMap -Pool $script:pool -Splat { param($a, $b) $a * $b } |
                Should -Be @(2, 12)
        }

        It 'with -Splat binds a hashtable''s entries to named parameters' {
            @{ Name = 'x'; Count = 2 }, @{ Count = 3; Name = 'y' } |
                Invoke-ProcessPoolMap -Pool $script:pool -Splat { param($Name, $Count) $Name * $Count } |
                Should -Be @('xx', 'yyy')
        }

        It 'reads $using: variables from the caller''s scope' {
            $factor = 7
            1..3 | Invoke-ProcessPoolMap -Pool $script:pool { $_ * $using:factor } | Should -Be @(7, 14, 21)
        }

        It 'enumerates a collection given to -InputObject' {
            Invoke-ProcessPoolMap -Pool $script:pool -InputObject @(10, 20, 30) { $_ + 1 } | Should -Be @(11, 21, 31)
        }

        It 'keeps the order of a long -InputObject list, and rows of several shapes come back whole' {
            $list = 1..3000 | ForEach-Object { if ($_ % 7) { [pscustomobject]@{ N = $_; S = "s$_" } } else { @{ N = $_ } } }
            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject $list {
                if ($_.N % 2) { [pscustomobject]@{ N = $_.N; From = $(if ($_ -is [hashtable]) { 'Hashtable' } else { 'Row' }) } }
                else { [pscustomobject]@{ PSTypeName = 'Even.Row'; N = $_.N; Half = $_.N / 2 } }
            }

            $results.N | Should -Be (1..3000)
            $results[0].From | Should -Be 'Row'
            $results[6].From | Should -Be 'Hashtable'
            $results[1].Half | Should -Be 1
            $results[1].pstypenames[0] | Should -Be 'Deserialized.Even.Row'
            $results[2].pstypenames[0] | Should -Be 'Deserialized.System.Management.Automation.PSCustomObject'
            @($results[2].psobject.Properties.Name) | Should -Be @('N', 'From')
        }

        It 'sends input rows of differing shapes, nested rows and $null properties whole, from the pipeline and from -InputObject' {
            $items = 1..600 | ForEach-Object {
                switch ($_ % 4) {
                    0 { [pscustomobject]@{ N = $_; Name = "n$_"; Missing = $null } }
                    1 { [pscustomobject]@{ PSTypeName = 'In.Row'; N = $_; Inner = [pscustomobject]@{ Deep = [pscustomobject]@{ V = $_ }; Empty = $null } } }
                    2 { [pscustomobject]@{ Name = "n$_"; N = $_ } }
                    3 { [pscustomobject]@{ N = $_ } }
                }
            }

            $expected = foreach ($item in $items) { 'Deserialized.' + $item.pstypenames[0] + ' ' + ($item | ConvertTo-Json -Depth 5 -Compress) }
            $viaList = Invoke-ProcessPoolMap -Pool $script:pool -InputObject $items { $_.pstypenames[0] + ' ' + ($_ | ConvertTo-Json -Depth 5 -Compress) }
            $viaPipeline = $items | Invoke-ProcessPoolMap -Pool $script:pool { $_.pstypenames[0] + ' ' + ($_ | ConvertTo-Json -Depth 5 -Compress) }

            $viaList | Should -Be $expected
            $viaPipeline | Should -Be $expected
        }

        It 'sends hashtables and ordered dictionaries of repeated keys both ways, keeping the order of ordered keys and ignoring case' {
            $items = 1..400 | ForEach-Object {
                if ($_ % 2) { @{ N = $_; Name = "n$_"; Nested = @{ Inner = $_ }; Missing = $null } }
                else { [ordered]@{ Z = $_; A = "a$_"; M = [ordered]@{ Second = 2; First = 1 } } }
            }

            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject $items {
                $keys = @($_.Keys) -join ','
                if ($_ -is [System.Collections.Specialized.OrderedDictionary]) {
                    [ordered]@{ Names = $keys; Inner = @($_.m.Keys) -join ','; z = $_.z; Back = [ordered]@{ Y = 1; X = $_.Z } }
                }
                else {
                    @{ Names = (@($_.Keys) | Sort-Object) -join ','; Inner = $_.nested.inner; n = $_.N; Null = $null -eq $_.Missing -and $_.ContainsKey('MISSING') }
                }
            }

            $results.Count | Should -Be 400
            $results[0] | Should -BeOfType [hashtable]
            $results[0].Keys.Count | Should -Be 4
            $results[0].names | Should -Be 'Missing,N,Name,Nested'
            $results[0].INNER | Should -Be 1
            $results[0].N | Should -Be 1
            $results[0].Null | Should -BeTrue
            $results[1] | Should -BeOfType [System.Collections.Specialized.OrderedDictionary]
            @($results[1].Keys) | Should -Be @('Names', 'Inner', 'z', 'Back')
            $results[1].NAMES | Should -Be 'Z,A,M'
            $results[1].Inner | Should -Be 'Second,First'
            @($results[1].Back.Keys) | Should -Be @('Y', 'X')
            $results[399].Back.x | Should -Be 400
            $results.Where({ $_.Contains('n') }).n | Should -Be (1..400).Where({ $_ % 2 })
        }

        It 'takes a single -InputObject as one item' {
            Invoke-ProcessPoolMap -Pool $script:pool -InputObject 'alone' { "got $_" } | Should -Be 'got alone'
        }

        It 'gives the same results with -ChunkSize 3' {
            1..10 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 3 { $_ * 2 } |
                Should -Be @(2, 4, 6, 8, 10, 12, 14, 16, 18, 20)
        }
    }

    Context 'no input' {
        It 'writes nothing and no error for empty pipeline input' {
            $results = @() | Invoke-ProcessPoolMap -Pool $script:pool { $_ } -ErrorVariable failures

            $results | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }

        It 'writes nothing and no error for an empty -InputObject' {
            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject @() { $_ } -ErrorVariable failures

            $results | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }
    }

    Context 'failing items' {
        It 'gives a non-terminating error whose TargetObject is the failing item, and the others go on' {
            $results = 1..5 | Invoke-ProcessPoolMap -Pool $script:pool -ErrorVariable failures -ErrorAction SilentlyContinue {
                if ($_ -eq 3) { throw "item $_ failed" }
                $_
            }

            $results | Should -Be @(1, 2, 4, 5)
            $failures | Should -HaveCount 1
            $failures[0].TargetObject | Should -Be 3
            $failures[0].Exception.Message | Should -Be 'item 3 failed'
            $failures[0].ScriptStackTrace | Should -Not -BeNullOrEmpty
        }

        It 'with -ErrorAction Stop ends at the first error and the pool stays usable' {
            $collected = [System.Collections.Generic.List[object]]::new()
            $caught = $null
            try {
                1..20 | Invoke-ProcessPoolMap -Pool $script:pool -ErrorAction Stop -ChunkSize 1 {
                    Start-Sleep -Milliseconds 200
                    if ($_ -eq 2) { throw 'stop here' }
                    $_
                } | ForEach-Object { $collected.Add($_) }
            }
            catch {
                $caught = $_
            }

            $caught | Should -Not -BeNullOrEmpty
            $caught.Exception.Message | Should -BeLike '*stop here*'
            $collected | Should -Not -Contain 20
            $script:pool.State | Should -Be 'Running'
            1..3 | Invoke-ProcessPoolMap -Pool $script:pool { $_ + 1 } | Should -Be @(2, 3, 4)
        }

        It 'with -TimeoutSeconds gives OperationTimeout for an item that runs too long, and results for the others' {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $results = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool -TimeoutSeconds 2 -ChunkSize 1 -ErrorVariable failures -ErrorAction SilentlyContinue {
                if ($_ -eq 2) { Start-Sleep -Seconds 60 }
                $_
            }
            $stopwatch.Stop()

            $results | Should -Be @(1, 3, 4)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimeout*'
            $failures[0].TargetObject | Should -Be 2
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 45
            Wait-Until -TimeoutSeconds 20 { @($script:pool.WorkerProcessIds).Count -eq 2 } | Should -BeTrue
            1..2 | Invoke-ProcessPoolMap -Pool $script:pool { $_ } | Should -Be @(1, 2)
        }

        It 'relays Write-Warning from the items to the warning stream' {
            $records = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool {
                Write-Warning "warning from $_"
                $_
            } 3>&1

            @($records | Where-Object { $_ -is [int] }) | Should -Be @(1, 2)
            $warnings = @($records | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
            $warnings.Message | Sort-Object | Should -Be @('warning from 1', 'warning from 2')
        }

        It 'collects the items'' warnings with -WarningVariable under -WarningAction SilentlyContinue' {
            $results = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool -WarningVariable warnings -WarningAction SilentlyContinue {
                Write-Warning "warning from $_"
                $_
            }

            $results | Should -Be @(1, 2)
            $warnings.Message | Sort-Object | Should -Be @('warning from 1', 'warning from 2')
        }
    }

    Context 'parameter errors' {
        It 'refuses -ChunkSize 0 at parameter binding' {
            { 1..3 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 0 { $_ } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'refuses a negative -TimeoutSeconds at parameter binding' {
            { 1..3 | Invoke-ProcessPoolMap -Pool $script:pool -TimeoutSeconds -1 { $_ } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'refuses a removed pool with PoolRemoved' {
            $removed = New-ProcessPool -ProcessCount 1 -Name 'MapRemovedPool'
            Remove-ProcessPool -Pool $removed -Force

            { 1..3 | Invoke-ProcessPoolMap -Pool $removed { $_ } } | Should -Throw -ErrorId 'PoolRemoved,*'
        }
    }

    Context 'stopping early' {
        It 'stops a long map when Select-Object -First has enough, and the pool stays usable' {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $first = 1..1000000 | Invoke-ProcessPoolMap { $_ } -Pool $script:pool | Select-Object -First 3
            $stopwatch.Stop()

            $first | Should -Be @(1, 2, 3)
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 60
            $script:pool.State | Should -Be 'Running'
            1..3 | Invoke-ProcessPoolMap -Pool $script:pool { $_ * 3 } | Should -Be @(3, 6, 9)
        }
    }

    Context 'temporary pool' {
        It 'starts a pool of -ProcessCount workers for the call and removes it after' {
            $before = @(Get-WorkerChildProcess).Count
            $poolsBefore = @(Get-ProcessPool).Count

            $results = 1..4 | Invoke-ProcessPoolMap -ProcessCount 2 { $PID }

            $results | Should -HaveCount 4
            $results | Should -Not -Contain $PID
            @(Get-ProcessPool).Count | Should -Be $poolsBefore
            Wait-Until -TimeoutSeconds 10 { @(Get-WorkerChildProcess).Count -le $before } | Should -BeTrue
        }

        It 'takes -ThrottleLimit as an alias of -ProcessCount' {
            1..3 | Invoke-ProcessPoolMap -ThrottleLimit 1 { $_ * $_ } | Should -Be @(1, 4, 9)
        }

        It 'runs -InitializationScript in the workers of a temporary pool' {
            1..2 | Invoke-ProcessPoolMap -ProcessCount 1 -InitializationScript { function Get-Tripled($v) { 3 * $v } } {
                Get-Tripled $_
            } | Should -Be @(3, 6)
        }

        It 'stops promptly on Ctrl+C and leaves no worker of the temporary pool behind' {
            $before = @(Get-WorkerChildProcess).Count
            $instance = New-ProcCmdletsPowerShell -NoWarmSpare
            try {
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $null = $instance.AddScript('1..10000 | Invoke-ProcessPoolMap -ProcessCount 2 -ChunkSize 1 { Start-Sleep -Milliseconds 200; $_ }')
                $async = $instance.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)

                # A safety net, not a bound: a new pool's two workers took 25-28 s to start and run
                # their first items on a busy machine (twice that is allowed), and the wait ends with
                # the first result.
                Wait-Until -TimeoutSeconds 60 { $output.Count -gt 0 } | Should -BeTrue
                @(Get-WorkerChildProcess).Count | Should -BeGreaterThan $before

                $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
                $instance.Stop()
                $stopwatch.Stop()

                $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 10
                $async.IsCompleted | Should -BeTrue
                $instance.InvocationStateInfo.State | Should -Be 'Stopped'
                Wait-Until -TimeoutSeconds 10 { @(Get-WorkerChildProcess).Count -le $before } | Should -BeTrue
            }
            finally {
                $instance.Runspace.Close()
                $instance.Dispose()
            }
        }
    }

    Context 'session functions and -AsJob' {
        It 'calls a session function and the functions it calls' {
            function Get-Half($x) { $x / 2 }
            function Get-Quarter($x) { Get-Half (Get-Half $x) }

            4, 8 | Invoke-ProcessPoolMap -Pool $script:pool { Get-Quarter $_ } | Should -Be @(1, 2)
        }

        It 'returns a ProcessPoolMap job with -AsJob whose output Receive-Job gets in input order' {
            $job = Invoke-ProcessPoolMap -Pool $script:pool -InputObject (1..6) -AsJob { $_ * 10 }

            $job.PSJobTypeName | Should -Be 'ProcessPoolMap'
            $job.PoolName | Should -Be $script:pool.Name
            Receive-Job -Job $job -Wait -AutoRemoveJob | Should -Be @(10, 20, 30, 40, 50, 60)
        }

        It 'survives Remove-Job -Force while the job''s records are still arriving' {
            # Run in a process of its own: the failure this guards against ended the whole process
            # (records added to a removed job's closed streams, on the job's own thread).
            $script = Join-Path $TestDrive 'remove-running-map-jobs.ps1'
            Set-Content -LiteralPath $script -Value @'
param($ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$pool = New-ProcessPool 2
foreach ($round in 1..40) {
    $job = 1..3000 | Invoke-ProcessPoolMap -AsJob -Pool $pool -ChunkSize 50 { $_; Write-Warning "w$_" }
    Start-Sleep -Milliseconds ($round % 7 * 8)
    Remove-Job -Job $job -Force
}
"after: $((1..4 | Invoke-ProcessPoolMap -Pool $pool { $_ * 2 }) -join ',')"
Remove-ProcessPool -Pool $pool -Force
'@
            $process = [System.Diagnostics.Process]::Start((New-PwshStartInfo '-File', $script, '-ModulePath', (Get-ProcCmdletsModulePath)))
            try {
                $stderr = $process.StandardError.ReadToEndAsync()
                $stdout = $process.StandardOutput.ReadToEnd()
                $process.WaitForExit(60000) | Should -BeTrue
                $process.ExitCode | Should -Be 0 -Because $stderr.Result
                $stdout.Trim() | Should -Be 'after: 2,4,6,8'
            }
            finally {
                if (-not $process.HasExited) { $process.Kill($true) }
                $process.Dispose()
            }
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
