#Requires -Version 7.0
# Reliability: hostile and odd input. Each case gives a clear ErrorRecord (stable id, right
# category) or a tested behaviour, and never a hang.
# API.md: values cross as PowerShell remoting carries them; a value that cannot be carried gives a
# clear error for that item, never a hang; what a script writes straight to the process's standard
# output never corrupts the channel.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest

    # No warm spare while this file runs, so that counting worker processes is exact.
    $script:savedWarmSpare = Get-Variable -Name ProcCmdletsWarmSpare -Scope Global -ErrorAction SilentlyContinue
    $global:ProcCmdletsWarmSpare = $false

    $script:pool = New-ProcessPool -ProcessCount 2 -Name 'HostileInputPool'
    $null = Wait-ProcessPoolReady -Pool $script:pool

    # An object the channel cannot carry: serializing it enumerates it, and enumerating it throws.
    if (-not ('ProcCmdletsReliabilityTests.Unenumerable' -as [type])) {
        Add-Type -TypeDefinition @'
namespace ProcCmdletsReliabilityTests
{
    public sealed class Unenumerable : System.Collections.IEnumerable
    {
        public System.Collections.IEnumerator GetEnumerator()
        {
            throw new System.InvalidOperationException("This object refuses to be enumerated.");
        }

        public override string ToString() => "Unenumerable";
    }
}
'@
    }
    $script:uncarriable = [ProcCmdletsReliabilityTests.Unenumerable]::new()
    # The same as an argument list; built by index, since @() would enumerate it.
    $script:uncarriableArguments = [object[]]::new(1)
    $script:uncarriableArguments[0] = $script:uncarriable

    # The error a bounded run ended with: the one its script caught, else the first it wrote.
    function Get-FirstFailure {
        param([Parameter(Mandatory)] $Run)

        @($Run.Output[-1].Caught) + @($Run.Errors) | Where-Object { $_ } | Select-Object -First 1
    }

    # Worker processes of this session other than the shared pool's.
    function Get-ExtraWorker {
        @(Get-WorkerChildProcess | Where-Object { $_.ProcessId -notin @($script:pool.WorkerProcessIds) }).ProcessId
    }

    # Ends, by id, worker processes a test started and the product left behind.
    function Stop-LeftWorker {
        param([int[]] $ProcessId)

        foreach ($id in $ProcessId) {
            Stop-Process -Id $id -Force -ErrorAction SilentlyContinue
        }
    }
}

AfterAll {
    Assert-NoWorkerLeft
    if ($script:savedWarmSpare) {
        $global:ProcCmdletsWarmSpare = $script:savedWarmSpare.Value
    }
    else {
        Remove-Variable -Name ProcCmdletsWarmSpare -Scope Global -ErrorAction SilentlyContinue
    }
}

Describe 'Reliability: hostile and odd input' {
    Context 'script blocks as values (they arrive as their text, a [string], as in PowerShell remoting)' {
        It 'a script block read through $using: arrives as a string that [scriptblock]::Create can run' {
            $inner = { 'inner ran' }

            $result = Invoke-ProcessPoolMap -Pool $script:pool -InputObject 1 {
                $value = $using:inner
                [pscustomobject]@{ Type = $value.GetType().FullName; Text = "$value"; Ran = & ([scriptblock]::Create($value)) }
            }

            $result.Type | Should -Be 'System.String'
            $result.Text.Trim() | Should -Be "'inner ran'"
            $result.Ran | Should -Be 'inner ran'
        }

        It 'a script block given to -ArgumentList arrives as a string (map, apply and Start-WorkerProcess)' {
            $inner = { 'inner ran' }

            $map = Invoke-ProcessPoolMap -Pool $script:pool -InputObject 1 -ArgumentList $inner { param($Item, $Block) $Block.GetType().FullName }
            $apply = Invoke-ProcessPoolApply -Pool $script:pool -ArgumentList $inner { param($Block) $Block.GetType().FullName }
            $worker = Start-WorkerProcess -ArgumentList $inner { param($Block) $Block.GetType().FullName; "$Block".Trim() }
            $started = Wait-WorkerProcess -Worker $worker -Timeout 60

            $map | Should -Be 'System.String'
            $apply | Should -Be 'System.String'
            $started | Should -Be @('System.String', "'inner ran'")
            Remove-WorkerProcess -Worker $worker -Force
        }

        It 'a script block as an input item arrives as a string' {
            $inner = { 'inner ran' }

            $result = $inner | Invoke-ProcessPoolMap -Pool $script:pool { $_.GetType().FullName }

            $result | Should -Be 'System.String'
        }
    }

    Context 'values that cannot be carried' {
        BeforeAll {
            # Three maps that may hang run at once, each on a new pool, and share one bound.
            $script:boundedRuns = @{
                ArgumentList = Start-Bounded -TimeoutSeconds 20 -ArgumentList $script:uncarriableArguments -Script {
                    param($Value)
                    $pool = New-ProcessPool -ProcessCount 1
                    $caught = $null
                    $results = try { @(1..3 | Invoke-ProcessPoolMap -Pool $pool -ArgumentList $Value { param($Item, $Extra) $Item }) } catch { $caught = $_ }
                    [pscustomobject]@{ Caught = $caught; Results = $results; After = @(1..2 | Invoke-ProcessPoolMap -Pool $pool { $_ }) }
                }
                Using        = Start-Bounded -TimeoutSeconds 20 -ArgumentList $script:uncarriableArguments -Script {
                    param($Value)
                    $pool = New-ProcessPool -ProcessCount 1
                    $caught = $null
                    $results = try { @(1..3 | Invoke-ProcessPoolMap -Pool $pool { "$_ $using:Value" }) } catch { $caught = $_ }
                    [pscustomobject]@{ Caught = $caught; Results = $results; After = @(1..2 | Invoke-ProcessPoolMap -Pool $pool { $_ }) }
                }
                Apply        = Start-Bounded -TimeoutSeconds 20 -ArgumentList $script:uncarriableArguments -Script {
                    param($Value)
                    $pool = New-ProcessPool -ProcessCount 1
                    $caught = $null
                    $results = try { @(Invoke-ProcessPoolApply -Pool $pool -ArgumentList $Value { 'ran' }) } catch { $caught = $_ }
                    [pscustomobject]@{ Caught = $caught; Results = $results }
                }
            }
        }

        AfterAll {
            foreach ($run in $script:boundedRuns.Values) {
                $null = Complete-Bounded $run
            }
        }

        It 'an input item that cannot be serialized gives ValueNotCarried for that item, and the other items go on' {
            $results = 1, $script:uncarriable, 3 | Invoke-ProcessPoolMap -Pool $script:pool { $_ * 10 } -ErrorVariable failures -ErrorAction SilentlyContinue

            $results | Should -Be @(10, 30)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
            [object]::ReferenceEquals($failures[0].TargetObject, $script:uncarriable) | Should -BeTrue
            $failures[0].Exception.Message | Should -BeLike '*ProcCmdletsReliabilityTests.Unenumerable*'
        }

        It 'the same through -InputObject' {
            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject @(1, $script:uncarriable, 3) { $_ * 10 } -ErrorVariable failures -ErrorAction SilentlyContinue

            $results | Should -Be @(10, 30)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
        }

        It 'objects whose serialization is lossy (a FileStream, a property getter that throws) are carried as property bags' {
            $stream = [System.IO.File]::Open((Join-Path $TestDrive 'stream.txt'), 'Create')
            $throwing = [pscustomobject]@{ Plain = 'kept' }
            $throwing | Add-Member -MemberType ScriptProperty -Name Throws -Value { throw 'getter fails' }
            try {
                $results = $stream, $throwing | Invoke-ProcessPoolMap -Pool $script:pool {
                    [pscustomobject]@{ Type = $_.pstypenames[0]; Name = $_.Name; Plain = $_.Plain }
                } -ErrorVariable failures -ErrorAction SilentlyContinue
            }
            finally {
                $stream.Dispose()
            }

            $failures | Should -BeNullOrEmpty
            $results | Should -HaveCount 2
            $results[0].Type | Should -Be 'Deserialized.System.IO.FileStream'
            $results[0].Name | Should -BeLike '*stream.txt'
            $results[1].Plain | Should -Be 'kept'
        }

        It 'an item whose output cannot be serialized gives ValueNotCarried for that item; its other output and the other items are kept' {
            $results = 1..3 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 3 {
                if ($_ -eq 2) {
                    class LocalUnenumerable : System.Collections.IEnumerable {
                        [System.Collections.IEnumerator] GetEnumerator() { throw 'no enumeration' }
                    }
                    'before'
                    , [LocalUnenumerable]::new()
                    'after'
                }
                else {
                    $_
                }
            } -ErrorVariable failures -ErrorAction SilentlyContinue

            $results | Should -Be @(1, 'before', 'after', 3)
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
            $failures[0].TargetObject | Should -Be 2
        }

        It 'Start-WorkerProcess -InputObject that cannot be serialized gives ValueNotCarried, and the worker runs' {
            $worker = Start-WorkerProcess -InputObject $script:uncarriable { "input count $(@($input).Count)" } -ErrorVariable failures -ErrorAction SilentlyContinue

            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
            Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'input count 0'
            $worker.State | Should -Be 'Completed'
            Remove-WorkerProcess -Worker $worker
        }

        It 'an -ArgumentList value that cannot be serialized, on a new pool: ValueNotCarried, no hang' {
            $run = Complete-Bounded $script:boundedRuns.ArgumentList

            $run.Completed | Should -BeTrue -Because 'a value that cannot be carried must give an error, never a hang'
            $result = $run.Output[-1]
            $failure = Get-FirstFailure $run
            $failure | Should -Not -BeNullOrEmpty
            $failure.FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
            $failure.CategoryInfo.Category | Should -Be 'InvalidData'
            $result.After | Should -Be @(1, 2)
        }

        It 'a $using: value that cannot be serialized, on a new pool: ValueNotCarried, no hang' {
            $run = Complete-Bounded $script:boundedRuns.Using

            $run.Completed | Should -BeTrue -Because 'a value that cannot be carried must give an error, never a hang'
            $result = $run.Output[-1]
            $failure = Get-FirstFailure $run
            $failure | Should -Not -BeNullOrEmpty
            $failure.FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
            $result.After | Should -Be @(1, 2)
        }

        It 'an Invoke-ProcessPoolApply -ArgumentList value that cannot be serialized: ValueNotCarried, no hang' {
            $run = Complete-Bounded $script:boundedRuns.Apply

            $run.Completed | Should -BeTrue -Because 'a value that cannot be carried must give an error, never a hang'
            $failure = Get-FirstFailure $run
            $failure | Should -Not -BeNullOrEmpty
            $failure.FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
        }

        It 'a Start-WorkerProcess -ArgumentList value that cannot be serialized: ValueNotCarried, and no worker process is left running' {
            $before = Get-ExtraWorker
            $caught = $null
            try {
                $worker = Start-WorkerProcess -ArgumentList $script:uncarriable { 'ran' } -ErrorAction Stop
            }
            catch {
                $caught = $_
            }
            Start-Sleep -Milliseconds 500
            $left = @(Get-ExtraWorker | Where-Object { $_ -notin $before -and $_ -notin @(Get-WorkerProcess).ProcessId })
            Stop-LeftWorker $left

            $left | Should -BeNullOrEmpty -Because 'a worker started for a call that failed must not be left running'
            $caught | Should -Not -BeNullOrEmpty
            $caught.FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
            $caught.CategoryInfo.Category | Should -Be 'InvalidData'
        }

        It 'a New-ProcessPool -InitializationArgumentList value that cannot be serialized: ValueNotCarried, and no worker process is left running' {
            $before = Get-ExtraWorker
            $caught = $null
            try {
                $null = New-ProcessPool -ProcessCount 1 -InitializationScript { param($Value) } -InitializationArgumentList $script:uncarriable -ErrorAction Stop
            }
            catch {
                $caught = $_
            }
            Start-Sleep -Milliseconds 500
            $left = @(Get-ExtraWorker | Where-Object { $_ -notin $before })
            Stop-LeftWorker $left

            $left | Should -BeNullOrEmpty -Because 'a worker started for a call that failed must not be left running'
            $caught | Should -Not -BeNullOrEmpty
            $caught.FullyQualifiedErrorId | Should -BeLike 'ValueNotCarried,*'
        }
    }

    Context 'large and deep values' {
        BeforeAll {
            # 20 MB of varied text, so that a shifted or dropped block would show.
            $builder = [System.Text.StringBuilder]::new(20MB + 200)
            $line = -join [char[]](33..126)
            $i = 0
            while ($builder.Length -lt 20MB) {
                $null = $builder.Append($i).Append(':').Append($line)
                $i++
            }
            $script:big = $builder.ToString()
        }

        It 'a 20 MB string goes through a map and back intact' {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject $script:big { $_.Length; $_ }
            $stopwatch.Stop()

            $results | Should -HaveCount 2
            $results[0] | Should -Be $script:big.Length
            ($results[1] -ceq $script:big) | Should -BeTrue
            Write-Host ("    20 MB string through a map and back: {0:N1} s" -f $stopwatch.Elapsed.TotalSeconds)
        }

        It 'a 20 MB string goes through Start-WorkerProcess and back intact' {
            $worker = Start-WorkerProcess -ArgumentList $script:big { param($Text) $Text.Length; $Text }
            $results = Wait-WorkerProcess -Worker $worker -Timeout 120

            $results | Should -HaveCount 2
            $results[0] | Should -Be $script:big.Length
            ($results[1] -ceq $script:big) | Should -BeTrue
            $worker.ExitCode | Should -Be 0
            Remove-WorkerProcess -Worker $worker
        }

        It 'a pscustomobject nested 200 levels deep goes through a map without a hang; the first 64 levels are intact and deeper ones come as a string' {
            $deep = [pscustomobject]@{ Level = 200; Child = $null }
            for ($level = 199; $level -ge 0; $level--) {
                $deep = [pscustomobject]@{ Level = $level; Child = $deep }
            }

            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject $deep {
                $node = $_
                $depth = 0
                while ($node -isnot [string] -and $null -ne $node.Child) { $node = $node.Child; $depth++ }
                $depth
                $_
            }
            $stopwatch.Stop()

            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30
            $results | Should -HaveCount 2
            $results[0] | Should -Be 64 -Because 'the worker sees 64 levels as objects'
            $node = $results[1]
            for ($level = 0; $level -lt 64; $level++) {
                $node.Level | Should -Be $level
                $node = $node.Child
            }
            $node | Should -BeOfType [string]
        }

        It 'a pscustomobject nested 200 levels deep built in a worker comes back without a hang, the first levels intact' {
            $result = Invoke-ProcessPoolApply -Pool $script:pool {
                $deep = [pscustomobject]@{ Level = 200; Child = $null }
                for ($level = 199; $level -ge 0; $level--) { $deep = [pscustomobject]@{ Level = $level; Child = $deep } }
                $deep
            }

            $result.Level | Should -Be 0
            $result.Child.Child.Child.Level | Should -Be 3
        }

        It 'arrays and hashtables nested 200 levels deep go through a map without a hang' {
            $array = 'leaf'
            $table = @{ Value = 'leaf' }
            for ($i = 0; $i -lt 200; $i++) {
                $array = , $array
                $table = @{ Value = $table }
            }

            $results = Invoke-ProcessPoolMap -Pool $script:pool -InputObject @((, $array), $table) {
                if ($_ -is [hashtable]) { 'hashtable ' + $_.Value.Value.Value.GetType().Name } else { 'array ' + $_[0][0].GetType().Name }
            }

            $results | Should -Be @('array Object[]', 'hashtable Hashtable')
        }

        It 'strings with NUL, control characters, unpaired surrogates and astral characters come back exactly' {
            $odd = "a`0b`u{1}`u{1b}[31m`r`n" + [char] 0xD800 + 'x' + [char] 0xDC00 + "😀‮rtl"

            $result = Invoke-ProcessPoolMap -Pool $script:pool -InputObject $odd { $_ }

            ([int[]][char[]] $result) -join ',' | Should -Be (([int[]][char[]] $odd) -join ',')
        }
    }

    Context 'null and empty input' {
        It '$null is an input item like any other' {
            $null | Invoke-ProcessPoolMap -Pool $script:pool { "[$_]" } | Should -Be '[]'
            1, $null, 3 | Invoke-ProcessPoolMap -Pool $script:pool { $null -eq $_ } | Should -Be @($false, $true, $false)
            1, $null, 3 | Invoke-ProcessPoolMap -Pool $script:pool { param($x) $null -eq $x } | Should -Be @($false, $true, $false)
        }

        It 'empty input gives no output and no error' {
            $results = @() | Invoke-ProcessPoolMap -Pool $script:pool { $_ } -ErrorVariable failures
            $results | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty

            $results = Invoke-ProcessPoolMap -ProcessCount 1 -InputObject @() { $_ } -ErrorVariable failures
            $results | Should -BeNullOrEmpty
            $failures | Should -BeNullOrEmpty
        }
    }

    Context 'parameter values' {
        It 'refuses -ProcessCount <Count> at parameter binding' -ForEach @(@{ Count = 0 }, @{ Count = -1 }) {
            { New-ProcessPool -ProcessCount $Count } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
            { 1..2 | Invoke-ProcessPoolMap -ProcessCount $Count { $_ } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
            # PowerShell's own category for a value a [ValidateRange] refuses.
            try { New-ProcessPool -ProcessCount $Count } catch { $_.CategoryInfo.Category | Should -Be 'InvalidData' }
        }

        It 'runs 16 processes on a machine with fewer cores, and leaves none behind' {
            $before = Get-ExtraWorker

            $results = 1..16 | Invoke-ProcessPoolMap -ProcessCount 16 -ChunkSize 1 { Start-Sleep -Milliseconds 100; [pscustomobject]@{ Item = $_; Worker = $PID } }

            $results | ForEach-Object Item | Should -Be (1..16)
            @($results | ForEach-Object Worker | Sort-Object -Unique).Count | Should -BeGreaterThan 1
            Wait-Until -TimeoutSeconds 20 { @(Get-ExtraWorker | Where-Object { $_ -notin $before }).Count -eq 0 } | Should -BeTrue
        }

        It 'refuses -ChunkSize <Size> at parameter binding' -ForEach @(@{ Size = 0 }, @{ Size = -5 }) {
            { 1..3 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize $Size { $_ } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'refuses a negative -TimeoutSeconds at parameter binding' {
            { 1..3 | Invoke-ProcessPoolMap -Pool $script:pool -TimeoutSeconds -1 { $_ } } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }

        It 'refuses a negative -MaxTasksPerWorker at parameter binding' {
            { New-ProcessPool -ProcessCount 1 -MaxTasksPerWorker -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
    }

    Context 'unknown ids and names' {
        It 'Get-WorkerProcess and Wait-WorkerProcess give WorkerNotFound (ObjectNotFound) for an unknown id or name' {
            Get-WorkerProcess -Id 2147483647 -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound,*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'

            Get-WorkerProcess -Name 'NoSuchWorker' -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound,*'

            Wait-WorkerProcess -Id 2147483647 -Timeout 5 -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound,*'

            Wait-WorkerProcess -Name 'NoSuchWorker' -Timeout 5 -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'WorkerNotFound,*'
        }

        It 'Get-ProcessPool gives PoolNotFound (ObjectNotFound) for an unknown name' {
            Get-ProcessPool -Name 'NoSuchPool' -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'PoolNotFound,*'
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'an unknown pool name given to -Pool is refused at parameter binding' {
            { 1..2 | Invoke-ProcessPoolMap -Pool 'NoSuchPool' { $_ } } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
            { Invoke-ProcessPoolApply -Pool 'NoSuchPool' { 1 } } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
            { Remove-ProcessPool -Pool 'NoSuchPool' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        }
    }

    Context 'a removed pool' {
        It 'refuses maps and applies with PoolRemoved (ResourceUnavailable); removing it again is harmless' {
            $removed = New-ProcessPool -ProcessCount 1 -Name 'HostileRemovedPool'
            Remove-ProcessPool -Pool $removed

            { 1..2 | Invoke-ProcessPoolMap -Pool $removed { $_ } } | Should -Throw -ErrorId 'PoolRemoved,*'
            { Invoke-ProcessPoolApply -Pool $removed { 1 } } | Should -Throw -ErrorId 'PoolRemoved,*'
            { Invoke-ProcessPoolApply -Pool $removed -AsJob { 1 } } | Should -Throw -ErrorId 'PoolRemoved,*'
            try { Invoke-ProcessPoolApply -Pool $removed { 1 } } catch { $_.CategoryInfo.Category | Should -Be 'ResourceUnavailable' }
            { Remove-ProcessPool -Pool $removed -Force } | Should -Not -Throw
            $removed.State | Should -BeIn 'Closed', 'Terminated'
        }
    }

    Context 'what a worker writes straight to its standard output' {
        It 'raw bytes and a fake frame written to stdout by map items do not corrupt the channel' {
            $before = @($script:pool.WorkerProcessIds)

            $results = 1..6 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                $stdout = [Console]::OpenStandardOutput()
                # A frame header (length 5, kind Record), a frame declaring 2 GB, and stray bytes.
                $bytes = [byte[]] (0x05, 0, 0, 0, 0x21, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0x21, 0x00, 0x0A, 0xFE)
                $stdout.Write($bytes, 0, $bytes.Length)
                $stdout.Flush()
                [Console]::Out.Write('garbage without a newline')
                [Console]::Out.WriteLine('a line of garbage')
                [Console]::Out.Flush()
                $_ * 2
            } 6>$null

            $results | Should -Be @(2, 4, 6, 8, 10, 12)
            @($script:pool.WorkerProcessIds) | Should -Be $before -Because 'no worker should have been killed for a corrupt channel'
            1..3 | Invoke-ProcessPoolMap -Pool $script:pool { $_ } | Should -Be @(1, 2, 3)
        }

        It 'raw bytes and a fake frame written to stdout by a Start-WorkerProcess script do not corrupt the channel' {
            $worker = Start-WorkerProcess {
                'first'
                $stdout = [Console]::OpenStandardOutput()
                $bytes = [byte[]] (0x05, 0, 0, 0, 0x24, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0x20)
                $stdout.Write($bytes, 0, $bytes.Length)
                $stdout.Flush()
                [Console]::Out.WriteLine('garbage')
                'second'
            }

            Wait-WorkerProcess -Worker $worker -Timeout 60 6>$null | Should -Be @('first', 'second')
            $worker.ExitCode | Should -Be 0
            $worker.State | Should -Be 'Completed'
            Remove-WorkerProcess -Worker $worker
        }

        It 'a native program''s output in an item becomes that item''s output, in order' {
            $results = 1..3 | Invoke-ProcessPoolMap -Pool $script:pool {
                # By full path: PowerShell's command lookup does not find system32's programs under Wine.
                if ($IsWindows) { & "$env:SystemRoot\System32\cmd.exe" /c "echo native $_" } else { sh -c "echo native $_" }
                "item $_"
            }

            $results | Should -Be @('native 1', 'item 1', 'native 2', 'item 2', 'native 3', 'item 3')
        }

        It 'a native program writing straight to the worker''s stdout does not reach the channel; its text comes as console output' {
            $results = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 {
                # The child inherits the worker's standard output; on Unix it also writes a frame header
                # (cmd.exe has no way to write those bytes).
                $startInfo = if ($IsWindows) {
                    [System.Diagnostics.ProcessStartInfo]::new("$env:SystemRoot\System32\cmd.exe", "/c echo native-direct-$_")
                }
                else {
                    $unix = [System.Diagnostics.ProcessStartInfo]::new('sh')
                    $unix.ArgumentList.Add('-c')
                    $unix.ArgumentList.Add("echo native-direct-$_; printf '\005\000\000\000\041'")
                    $unix
                }
                $startInfo.UseShellExecute = $false
                $child = [System.Diagnostics.Process]::Start($startInfo)
                $child.WaitForExit()
                "item $_"
            } -InformationVariable console 6>$null

            $results | Should -Be @('item 1', 'item 2')
            $text = ($console | ForEach-Object { "$($_.MessageData)" }) -join "`n"
            $text | Should -Match 'native-direct-1'
            $text | Should -Match 'native-direct-2' -Because 'console text of the last item arrives before the map returns'
        }

        It 'reading stdin gets nothing at once, and Read-Host gives an error for its item instead of waiting' {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $read = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool { "[$([Console]::In.ReadLine())]" }
            $prompted = 1..2 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 1 { Read-Host 'a question'; "after $_" } -ErrorVariable failures -ErrorAction SilentlyContinue
            $stopwatch.Stop()

            $read | Should -Be @('[]', '[]')
            $prompted | Should -BeNullOrEmpty
            $failures | Should -HaveCount 2
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'HostFunctionNotImplemented*'
            @($failures.TargetObject) | Should -Be @(1, 2)
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 30
        }
    }

    Context 'floods' {
        It 'a Start-WorkerProcess writing 200,000 strings of 100 characters: Wait-WorkerProcess gets them all' {
            $count = 0
            $wrong = 0
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            Start-WorkerProcess { foreach ($i in 1..200000) { $i.ToString().PadLeft(100, '.') } } |
                Wait-WorkerProcess -Timeout 120 |
                ForEach-Object { $count++; if ($_.Length -ne 100 -or [int] $_.TrimStart('.') -ne $count) { $wrong++ } }
            $stopwatch.Stop()

            $count | Should -Be 200000
            $wrong | Should -Be 0
            Write-Host ("    200,000 strings from one worker: {0:N1} s" -f $stopwatch.Elapsed.TotalSeconds)
            Get-WorkerProcess | Remove-WorkerProcess -Force
        }

        It 'a map item writing 100,000 objects: all of them arrive, in order' {
            $count = 0
            $wrong = 0
            1 | Invoke-ProcessPoolMap -Pool $script:pool { foreach ($i in 1..100000) { [pscustomobject]@{ N = $i } } } |
                ForEach-Object { $count++; if ($_.N -ne $count) { $wrong++ } }

            $count | Should -Be 100000
            $wrong | Should -Be 0
        }
    }

    Context 'scripts that disturb their worker' {
        It 'an item that removes every global variable does not break the items after it on that worker' {
            $pool = New-ProcessPool -ProcessCount 1 -Name 'HostileOneWorkerPool'
            try {
                $first = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                    if ($_ -eq 1) { Get-Variable -Scope Global | Remove-Variable -Scope Global -Force -ErrorAction SilentlyContinue }
                    "ok $_"
                } -ErrorVariable failures -ErrorAction SilentlyContinue
                $second = 1..2 | Invoke-ProcessPoolMap -Pool $pool { "again $_" } -ErrorVariable laterFailures -ErrorAction SilentlyContinue

                $first | Should -Be @('ok 1', 'ok 2', 'ok 3', 'ok 4') -Because "the items after it should run (errors: $(@($failures | ForEach-Object { $_.Exception.Message } | Select-Object -Unique) -join '; '))"
                $second | Should -Be @('again 1', 'again 2')
                $failures | Should -BeNullOrEmpty
                $laterFailures | Should -BeNullOrEmpty
            }
            finally {
                Remove-ProcessPool -Pool $pool -Force
            }
        }
    }
}

Describe 'Reliability: a worker fed frames it cannot act on' {
    BeforeAll {
        # A worker started as the module starts one, whose channel the test writes by hand.
        function Invoke-WorkerWith {
            param([byte[]] $Frames)

            # This session's own PowerShell: pwsh, or dotnet running pwsh.dll.
            $info = [System.Diagnostics.ProcessStartInfo]::new([System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName)
            if ([System.IO.Path]::GetFileNameWithoutExtension($info.FileName) -eq 'dotnet') {
                $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
            }
            foreach ($argument in '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', "Import-Module -Name '$((Join-Path (Get-Module ProcCmdlets).ModuleBase 'ProcCmdlets.dll') -replace "'", "''")'; Invoke-ProcCmdletsWorker") {
                $info.ArgumentList.Add($argument)
            }
            $info.RedirectStandardInput = $true
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $info.UseShellExecute = $false
            $process = [System.Diagnostics.Process]::Start($info)
            try {
                $stdout = $process.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)
                $stderr = $process.StandardError.ReadToEndAsync()
                $process.StandardInput.BaseStream.Write($Frames, 0, $Frames.Length)
                $process.StandardInput.BaseStream.Flush()
                $process.WaitForExit(60000) | Should -BeTrue -Because 'a worker that cannot go on ends'
                $null = $stderr.Wait(30000)
                [pscustomobject]@{ ExitCode = $process.ExitCode; Console = $stderr.Result }
            }
            finally {
                if (-not $process.HasExited) { $process.Kill($true) }
                $process.Dispose()
            }
        }
    }

    It 'a frame whose declared length is 0 ends the worker with its reason, not status 0' {
        $result = Invoke-WorkerWith -Frames ([byte[]] (0, 0, 0, 0, 1))
        # 65 where the worker ends itself; 137 on Unix, where ending its process group (its programs) ends it too.
        $result.ExitCode | Should -BeIn @(65, 137) -Because $result.Console
        $result.Console | Should -Match 'ProcCmdlets worker failed: the channel from the session is corrupt: A frame declared 0 bytes'
    }

    It 'a frame of a kind the worker never receives ends it with its reason, not an unhandled exception' {
        # Kind 34 (ItemDone) only ever goes from a worker to the session.
        $result = Invoke-WorkerWith -Frames ([byte[]] (1, 0, 0, 0, 34))
        $result.ExitCode | Should -BeIn @(65, 137) -Because $result.Console
        $result.Console | Should -Match 'ProcCmdlets worker failed: the session''s ItemDone frame could not be handled: Unexpected frame ItemDone'
        $result.Console | Should -Not -Match 'Unhandled exception'
    }

    It 'a malformed chunk that follows a running chunk of its task ends the worker with its reason, not a wait for the chunk' {
        # Frames: a 4-byte little-endian length (kind and payload), the kind, the payload.
        function New-Frame([byte] $Kind, [byte[]] $Payload) {
            [byte[]] ([BitConverter]::GetBytes([int] ($Payload.Length + 1)) + $Kind + $Payload)
        }
        # DefineTask (5): task 1, Inline, the script (its UTF-8 length + 1, then its bytes), no variables, no arguments, FullLanguage.
        # The item sleeps, so that the next chunk is already read when the running pipeline asks for it.
        $script = [Text.Encoding]::UTF8.GetBytes('Start-Sleep -Milliseconds 300; $_')
        $define = New-Frame 5 ([byte[]] (@(1, 0, ($script.Length + 1)) + $script + @(0, 0, 0)))
        # RunChunk (6): task 1, chunk 1, one item, $null (tag 0); then chunk 2 of the same task, whose item has no known tag.
        $chunk = New-Frame 6 ([byte[]] (1, 1, 1, 0))
        $malformed = New-Frame 6 ([byte[]] (1, 2, 1, 250))
        $result = Invoke-WorkerWith -Frames ([byte[]] ($define + $chunk + $malformed))
        $result.ExitCode | Should -BeIn @(65, 137) -Because $result.Console
        $result.Console | Should -Match 'ProcCmdlets worker failed: the session''s RunChunk frame could not be handled: Unknown value tag 250'
    }
}

Describe 'Reliability: hostile input cleanup' {
    It 'leaves no worker process behind' {
        Get-WorkerProcess | Remove-WorkerProcess -Force
        Assert-NoWorkerLeft
    }
}
