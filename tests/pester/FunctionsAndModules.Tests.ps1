#Requires -Version 7.0
# The session's functions and modules in workers [spawn re-imports __main__], $using: as PowerShell
# does it, the worker's error ids, failed jobs' reasons, and Invoke-ProcessPoolMap -AsJob [map_async].

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:pool = New-ProcessPool -ProcessCount 2 -Name 'FunctionsTestPool'
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Session functions in workers' {
    It 'runs a session function in a map (the seed''s Q4, word for word)' {
        function Square($x) { $x * $x }

        1..5 | Invoke-ProcessPoolMap { Square $_ } -Pool $script:pool | Should -Be @(1, 4, 9, 16, 25)
    }

    It 'carries a function that calls a function' {
        function Inner($x) { $x + 1 }
        function Outer($x) { (Inner $x) * 10 }

        1..3 | Invoke-ProcessPoolMap { Outer $_ } -Pool $script:pool | Should -Be @(20, 30, 40)
    }

    It 'runs an advanced function with [CmdletBinding()], begin/process/end and pipeline input' {
        function Measure-Total {
            [CmdletBinding()]
            param([Parameter(ValueFromPipeline)] [int] $Value)
            begin { $total = 0 }
            process { $total += $Value }
            end { "total $total" }
        }

        Invoke-ProcessPoolApply { 1..4 | Measure-Total } -Pool $script:pool | Should -Be 'total 10'
        1, 2 | Invoke-ProcessPoolMap { $_, 5 | Measure-Total -Verbose } -Pool $script:pool | Should -Be @('total 6', 'total 7')
    }

    It 'runs a filter' {
        filter Double { $_ * 2 }

        1..3 | Invoke-ProcessPoolMap { $_ | Double } -Pool $script:pool | Should -Be @(2, 4, 6)
    }

    It 'runs a session function in Start-WorkerProcess, with its pipeline input' {
        function Shout([Parameter(ValueFromPipeline)] $Text) { process { "$Text!" } }

        $worker = 'a', 'b' | Start-WorkerProcess { $input | Shout }
        try {
            Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be @('a!', 'b!')
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }

    It 'runs a session function in an -InitializationScript (New-ProcessPool, a temporary pool, Start-WorkerProcess)' {
        function Get-Seed { 40 }

        $initPool = New-ProcessPool -ProcessCount 1 -InitializationScript { $global:seed = Get-Seed }
        try {
            Invoke-ProcessPoolApply { $global:seed + 2 } -Pool $initPool | Should -Be 42
        }
        finally {
            Remove-ProcessPool -Pool $initPool -Force
        }

        1 | Invoke-ProcessPoolMap { $global:seed + $_ } -ProcessCount 1 -InitializationScript { $global:seed = Get-Seed } | Should -Be 41

        $worker = Start-WorkerProcess { $global:seed } -InitializationScript { $global:seed = Get-Seed }
        try {
            Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 40
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }

    It 'sends a redefined function again to the same pool' {
        function Get-Version { 'first' }
        Invoke-ProcessPoolMap { Get-Version } -InputObject (1..4) -Pool $script:pool -ChunkSize 1 | Select-Object -Unique | Should -Be 'first'

        function Get-Version { 'second' }
        Invoke-ProcessPoolMap { Get-Version } -InputObject (1..4) -Pool $script:pool -ChunkSize 1 | Select-Object -Unique | Should -Be 'second'
    }

    It 'defines a function once per worker, not per item' {
        function Get-Stamp { 'stamp' }

        # The function's script block object changes only when the worker defines it again.
        $probe = { $null = Get-Stamp; "$PID $([System.Runtime.CompilerServices.RuntimeHelpers]::GetHashCode(${function:Get-Stamp}))" }
        $first = 1..40 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 2 $probe
        $second = 1..40 | Invoke-ProcessPoolMap -Pool $script:pool -ChunkSize 2 $probe

        $pairs = @($first) + @($second) | Select-Object -Unique
        $pairs | ForEach-Object { ($_ -split ' ')[0] } | Group-Object | Where-Object Count -gt 1 | Should -BeNullOrEmpty
    }

    It 'carries functions named by -Function for a call no analysis sees (& $name)' {
        function Get-Hidden { 'hidden' }
        $name = 'Get-Hidden'

        Invoke-ProcessPoolApply { & $using:name } -Pool $script:pool -Function Get-Hidden | Should -Be 'hidden'
        1 | Invoke-ProcessPoolMap { & $using:name } -Pool $script:pool -Function Get-Hidden | Should -Be 'hidden'

        $namedPool = New-ProcessPool -ProcessCount 1 -Function Get-Hidden
        try {
            Invoke-ProcessPoolApply { & 'Get-Hidden' } -Pool $namedPool | Should -Be 'hidden'
        }
        finally {
            Remove-ProcessPool -Pool $namedPool -Force
        }
    }

    It 'leaves the caller''s module auto-loading preference as it was' {
        function Square($x) { $x * $x }
        $PSModuleAutoLoadingPreference = 'ModuleQualified'

        Invoke-ProcessPoolApply { Square 3 } -Pool $script:pool | Should -Be 9
        $PSModuleAutoLoadingPreference | Should -Be 'ModuleQualified'
        & { Invoke-ProcessPoolApply { Square 3 } -Pool $script:pool; Get-Variable -Name PSModuleAutoLoadingPreference -Scope Local -ErrorAction SilentlyContinue } |
            Should -Be 9
    }

    It 'refuses a -Function name that is not defined, naming it, before any item runs' {
        { 1 | Invoke-ProcessPoolMap { 'ran' } -Pool $script:pool -Function 'No-SuchFunction' } |
            Should -Throw -ErrorId 'CommandNotCarried,*' -ExpectedMessage '*No-SuchFunction*'
    }

    It 'refuses a function of a dynamic module, naming it, before any item runs' {
        $null = New-Module -Name 'DynamicForTest' -ScriptBlock { function Get-Dynamic { 'dynamic' } } | Import-Module -PassThru
        try {
            $marker = Join-Path $TestDrive 'ran.txt'
            { 1 | Invoke-ProcessPoolMap { Set-Content -LiteralPath $using:marker 'x'; Get-Dynamic } -Pool $script:pool } |
                Should -Throw -ErrorId 'CommandNotCarried,*' -ExpectedMessage '*Get-Dynamic*'
            Test-Path -LiteralPath $marker | Should -BeFalse
        }
        finally {
            Remove-Module -Name 'DynamicForTest' -Force
        }
    }
}

Describe 'Session modules in workers' {
    BeforeAll {
        $script:modulePath = Join-Path $TestDrive 'CarriedForTest.psm1'
        Set-Content -LiteralPath $script:modulePath -Value @'
$script:loads = 0
function Get-FromModule { param($x) "module $x" }
function Get-ModuleLoads { $script:loads }
$script:loads++
'@
        Import-Module $script:modulePath -Force
    }

    AfterAll {
        Remove-Module -Name 'CarriedForTest' -Force -ErrorAction SilentlyContinue
    }

    It 'imports a module loaded from a .psm1 in each worker' {
        1..3 | Invoke-ProcessPoolMap { Get-FromModule $_ } -Pool $script:pool | Should -Be @('module 1', 'module 2', 'module 3')
    }

    It 'imports it once per worker' {
        1..3 | Invoke-ProcessPoolMap { Get-FromModule $_ } -Pool $script:pool | Out-Null
        1..10 | Invoke-ProcessPoolMap { Get-ModuleLoads } -Pool $script:pool -ChunkSize 1 | Select-Object -Unique | Should -Be 1
    }

    It 'imports a module the session loaded, named by -Module, from the file it was loaded from' {
        # A fresh worker, whose PSModulePath does not lead to the module.
        $name = 'Get-FromModule'
        $worker = Start-WorkerProcess { & $using:name 'by name' } -Module 'CarriedForTest'
        try {
            Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'module by name'
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }

    It 'imports a module named by -Module for a call no analysis sees' {
        $name = 'Get-FromModule'
        $worker = Start-WorkerProcess { & $using:name 'named' } -Module $script:modulePath
        try {
            Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'module named'
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }
}

Describe 'ProcCmdlets inside a worker' {
    It 'is importable by name in a worker' {
        Invoke-ProcessPoolApply { Import-Module ProcCmdlets -PassThru | ForEach-Object Name } -Pool $script:pool | Should -Be 'ProcCmdlets'
    }

    It 'runs a nested pool inside a worker and leaves no process behind' {
        function Square($x) { $x * $x }

        $inner = Invoke-ProcessPoolApply -Pool $script:pool {
            1..4 | Invoke-ProcessPoolMap { "$(Square $_) $PID" } -ProcessCount 2
        }

        $inner | ForEach-Object { [int] ($_ -split ' ')[0] } | Should -Be @(1, 4, 9, 16)
        $innerPids = $inner | ForEach-Object { [int] ($_ -split ' ')[1] } | Select-Object -Unique
        $script:pool.WorkerProcessIds | Should -Not -Contain $innerPids[0]
        Wait-Until -TimeoutSeconds 15 { -not ($innerPids | Where-Object { Test-ProcessAlive -ProcessId $_ }) } | Should -BeTrue
    }

    It 'starts a worker process from inside a worker' {
        $worker = Start-WorkerProcess { Import-Module ProcCmdlets; $w = Start-WorkerProcess { "inner $PID" }; Wait-WorkerProcess $w; Remove-WorkerProcess $w -Force }
        try {
            Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -BeLike 'inner *'
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }
}

Describe '$using: as PowerShell does it' {
    It 'refuses a $using: variable the caller has not set with UsingVariableIsUndefined' {
        Remove-Variable -Name 'neverSet' -ErrorAction SilentlyContinue
        $caught = $null
        try { 1 | Invoke-ProcessPoolMap { $using:neverSet } -Pool $script:pool } catch { $caught = $_ }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'UsingVariableIsUndefined,ProcCmdlets.Commands.InvokeProcessPoolMapCommand'
        $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $caught.Exception | Should -BeOfType [System.Management.Automation.RuntimeException]
        $caught.Exception.Message | Should -Be "The value of the using variable '`$using:neverSet' cannot be retrieved because it has not been set in the local session."

        { Invoke-ProcessPoolApply { $using:neverSet } -Pool $script:pool } | Should -Throw -ErrorId 'UsingVariableIsUndefined,*'
        { Start-WorkerProcess { $using:neverSet } } | Should -Throw -ErrorId 'UsingVariableIsUndefined,*'
    }

    It 'carries a $using: variable set to $null' {
        $isNull = $null
        Invoke-ProcessPoolApply { $null -eq $using:isNull } -Pool $script:pool | Should -BeTrue
    }

    It 'leaves a $using: inside a nested ForEach-Object -Parallel to read the worker''s variable' {
        $x = 'session'
        Invoke-ProcessPoolApply -Pool $script:pool { $x = 'worker'; 1 | ForEach-Object -Parallel { $using:x } } | Should -Be 'worker'
    }

    It 'still carries the outer $using: next to a nested one' {
        $outer = 'outer'
        Invoke-ProcessPoolApply -Pool $script:pool {
            $inner = 'inner'
            $got = 1 | ForEach-Object -Parallel { $using:inner }
            "$using:outer $got"
        } | Should -Be 'outer inner'
    }

    It 'leaves a $using: inside a nested Start-ThreadJob to the thread job' {
        Invoke-ProcessPoolApply -Pool $script:pool {
            $x = 'worker'
            Start-ThreadJob { $using:x } | Receive-Job -Wait -AutoRemoveJob
        } | Should -Be 'worker'
    }
}

Describe 'Errors keep the worker''s ids' {
    It 'gives a map item''s error the worker''s FullyQualifiedErrorId exactly' {
        1 | Invoke-ProcessPoolMap { Get-Item -LiteralPath '/no/such/path/here' } -Pool $script:pool -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'
    }

    It 'keeps the id through -ErrorAction Stop and catch' {
        $caught = $null
        try { 1 | Invoke-ProcessPoolMap { Get-Item -LiteralPath '/no/such/path/here' } -Pool $script:pool -ErrorAction Stop } catch { $caught = $_ }

        $caught.FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'
    }

    It 'keeps the id of an apply''s and a worker process''s error' {
        Invoke-ProcessPoolApply { Get-Item -LiteralPath '/no/such/path/here' } -Pool $script:pool -ErrorVariable applyErrors -ErrorAction SilentlyContinue
        $applyErrors[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'

        $worker = Start-WorkerProcess { Get-Item -LiteralPath '/no/such/path/here' }
        try {
            $null = Wait-Job -Job $worker -Timeout 60
            Receive-Job -Job $worker -ErrorVariable workerErrors -ErrorAction SilentlyContinue
            $workerErrors[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }
}

Describe 'Failed jobs carry their reason' {
    It 'sets JobStateInfo.Reason of a failed worker process' {
        $worker = Start-WorkerProcess { throw 'worker reason' }
        try {
            $null = Wait-Job -Job $worker -Timeout 60
            $worker.State | Should -Be 'Failed'
            $worker.JobStateInfo.Reason | Should -Not -BeNullOrEmpty
            $worker.JobStateInfo.Reason.Message | Should -BeLike '*worker reason*'
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }

    It 'sets JobStateInfo.Reason of a worker process that exits with a code' {
        $worker = Start-WorkerProcess { exit 3 }
        try {
            $null = Wait-Job -Job $worker -Timeout 60
            $worker.State | Should -Be 'Failed'
            $worker.JobStateInfo.Reason.Message | Should -BeLike '*code 3*'
        }
        finally {
            Remove-WorkerProcess -Worker $worker -Force
        }
    }

    It 'sets JobStateInfo.Reason of a failed apply job' {
        $job = Invoke-ProcessPoolApply { throw 'apply reason' } -Pool $script:pool -AsJob
        $null = Wait-Job -Job $job -Timeout 60
        $job.State | Should -Be 'Failed'
        $job.JobStateInfo.Reason.Message | Should -BeLike '*apply reason*'
        Remove-Job -Job $job -Force
    }
}

Describe 'Invoke-ProcessPoolMap -AsJob' {
    It 'returns a job at once whose output is the results in input order' {
        function Square($x) { $x * $x }

        $job = 1..10 | Invoke-ProcessPoolMap { Square $_ } -Pool $script:pool -AsJob
        $job | Should -BeOfType [ProcCmdlets.ProcessPoolMapJob]
        Get-Job -Id $job.Id | Should -Not -BeNullOrEmpty
        $job.PSJobTypeName | Should -Be 'ProcessPoolMap'

        Receive-Job -Job $job -Wait -AutoRemoveJob | Should -Be @(1, 4, 9, 16, 25, 36, 49, 64, 81, 100)
    }

    It 'streams results to Receive-Job as they are ready' {
        $job = 1..6 | Invoke-ProcessPoolMap { Start-Sleep -Milliseconds (100 * $_); $_ } -Pool $script:pool -ChunkSize 1 -AsJob
        $got = [System.Collections.Generic.List[object]]::new()
        $gotSome = Wait-Until -TimeoutSeconds 60 { $got.AddRange(@(Receive-Job -Job $job)); $got.Count -gt 0 }
        $gotSome | Should -BeTrue
        $job.State | Should -Be 'Running'
        $got.AddRange(@(Receive-Job -Job $job -Wait -AutoRemoveJob))
        $got | Should -Be @(1, 2, 3, 4, 5, 6)
    }

    It 'puts item errors in the job''s error stream, keeping the worker''s id' {
        $job = 1..3 | Invoke-ProcessPoolMap { if ($_ -eq 2) { Get-Item -LiteralPath '/no/such/path/here' } else { $_ } } -Pool $script:pool -AsJob
        $null = Wait-Job -Job $job -Timeout 60

        $job.State | Should -Be 'Completed'
        Receive-Job -Job $job -ErrorVariable jobErrors -ErrorAction SilentlyContinue | Should -Be @(1, 3)
        $jobErrors | Should -HaveCount 1
        $jobErrors[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'
        Remove-Job -Job $job
    }

    It 'stops the map with Stop-Job' {
        $job = 1..200 | Invoke-ProcessPoolMap { Start-Sleep -Milliseconds 100; $_ } -Pool $script:pool -ChunkSize 1 -AsJob
        Start-Sleep -Milliseconds 500
        Stop-Job -Job $job

        $job.State | Should -Be 'Stopped'
        $count = @(Receive-Job -Job $job).Count
        $count | Should -BeLessThan 200
        Remove-Job -Job $job

        # The pool is free for the next map.
        1..3 | Invoke-ProcessPoolMap { $_ } -Pool $script:pool | Should -Be @(1, 2, 3)
    }

    It 'runs on a temporary pool that the job removes when it ends' {
        $poolsBefore = @(Get-ProcessPool).Count
        $job = 1..4 | Invoke-ProcessPoolMap { $PID } -ProcessCount 2 -AsJob
        $pids = Receive-Job -Job $job -Wait -AutoRemoveJob | Select-Object -Unique

        @(Get-ProcessPool).Count | Should -Be $poolsBefore
        Wait-Until -TimeoutSeconds 15 { -not ($pids | Where-Object { Test-ProcessAlive -ProcessId $_ }) } | Should -BeTrue
    }

    It 'stops a map on a temporary pool and ends its workers' {
        $job = 1..100 | Invoke-ProcessPoolMap { Start-Sleep -Milliseconds 200; $PID } -ProcessCount 2 -ChunkSize 1 -AsJob
        Wait-Until -TimeoutSeconds 60 { $job.ItemsFinished -gt 0 } | Should -BeTrue
        $pids = @(Receive-Job -Job $job) | Select-Object -Unique
        Stop-Job -Job $job
        Remove-Job -Job $job

        Wait-Until -TimeoutSeconds 15 { -not ($pids | Where-Object { Test-ProcessAlive -ProcessId $_ }) } | Should -BeTrue
    }
}

Describe 'cleanup' {
    It 'leaves no worker process behind' {
        Remove-ProcessPool -Pool $script:pool -Force
        Assert-NoWorkerLeft
    }
}
