#Requires -Version 7.0
# Pools on Slurm (API.md, "Workers on a Slurm cluster"): New-ProcessPool -Slurm starts one srun
# step per node, each carrying that node's workers through a host agent; workers lost to a step's
# end are replaced; Remove-ProcessPool leaves no job, step or process; no srun, or an allocation
# Slurm refuses, is a clear error. Against a private single-node Slurm (SlurmTestHost.psm1).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'SlurmTestHost.psm1') -Force
    $script:skipReason = Get-SlurmTestHostSkipReason
    if ($script:skipReason) { Write-Warning "Slurm tests skipped: $script:skipReason" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SlurmTestHost.psm1') -Force
    Import-ProcCmdletsForTest
    $script:slurm = $null
    if (-not (Get-SlurmTestHostSkipReason)) {
        $script:slurm = Start-SlurmTestHost
    }

    # The session's workers and agents: processes whose environment says they run in a job of this Slurm.
    function Get-JobProcess {
        foreach ($dir in [System.IO.Directory]::GetDirectories('/proc')) {
            $id = Split-Path $dir -Leaf
            if ($id -notmatch '^\d+$' -or [int] $id -eq $PID) { continue }
            try { $environment = [System.IO.File]::ReadAllText("$dir/environ") } catch { continue }
            if ($environment.Contains("SLURM_CONF=$($script:slurm.Conf)") -and $environment.Contains('SLURM_JOB_ID=')) { [int] $id }
        }
    }
}

AfterAll {
    if (Get-Command -Name Get-ProcessPool -Module ProcCmdlets -ErrorAction SilentlyContinue) {
        Get-ProcessPool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
    }
    Stop-SlurmTestHost $script:slurm
}

Describe 'Pools on Slurm (Linux only: the tests'' private Slurm runs there)' -Skip:([bool] $script:skipReason) {
    It 'runs -ProcessCount workers in one srun step per node, and Remove-ProcessPool leaves no job, step or process' {
        $pool = New-ProcessPool -Slurm -NodeCount 2 -ProcessCount 2
        try {
            $results = 1..40 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 { Start-Sleep -Milliseconds 200; "$_ $env:SLURM_JOB_ID $PID" }
            @($results | ForEach-Object { [int] ($_ -split ' ')[0] }) | Should -Be @(1..40)
            @($results | ForEach-Object { ($_ -split ' ')[1] } | Sort-Object -Unique) | Should -HaveCount 2
            @($results | ForEach-Object { ($_ -split ' ')[1] })[0] | Should -Not -BeNullOrEmpty
            @($results | ForEach-Object { ($_ -split ' ')[2] } | Sort-Object -Unique) | Should -HaveCount 4
            @(Get-SlurmTestJob) | Should -HaveCount 2
            @(Get-SlurmTestJob) | ForEach-Object { $_ | Should -Match ' ProcCmdlets-\d+-\d+ RUNNING$' }
            @($pool.WorkerProcessIds | Sort-Object -Unique) | Should -HaveCount 2
            $pool.Hosts | Should -Be @("slurm:$($pool.Name):1", "slurm:$($pool.Name):2")
        }
        finally {
            $pool | Remove-ProcessPool -Force
        }
        # The step's slurmstepd ends a moment after its job.
        Wait-Until -TimeoutSeconds 60 { @(Get-SlurmTestJob).Count -eq 0 -and @(Get-JobProcess).Count -eq 0 -and @(Get-SlurmTestStepProcess).Count -eq 0 } | Should -BeTrue
    }

    It 'replaces the workers of a step that ends (its job cancelled) like crashed workers: no item is lost' {
        $pool = New-ProcessPool -Slurm -ProcessCount 2
        try {
            $flag = Join-Path $TestDrive 'cancel'
            $instance = [powershell]::Create()
            $null = $instance.AddScript({
                    param($Path, $Conf)
                    $env:SLURM_CONF = $Conf
                    $deadline = [DateTime]::UtcNow.AddSeconds(120)
                    while (-not (Test-Path -LiteralPath $Path) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                    & scancel --user root
                }).AddArgument($flag).AddArgument($script:slurm.Conf)
            $async = $instance.BeginInvoke()
            $results = 1..30 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                if ($_ -eq 6) { [System.IO.File]::WriteAllText($using:flag, 'x') }
                Start-Sleep -Milliseconds 300
                "$_ $env:SLURM_JOB_ID"
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $null = $instance.EndInvoke($async)
            $instance.Dispose()

            @($failures | ForEach-Object { $_.FullyQualifiedErrorId -like 'WorkerCrashed,*' }) | Should -Not -Contain $false
            $failures.Count | Should -BeLessOrEqual 2
            @(@($results | ForEach-Object { [int] ($_ -split ' ')[0] }) + @($failures | ForEach-Object TargetObject) | Sort-Object) | Should -Be @(1..30)
            # The items after the cancel ran in a new job.
            @($results | ForEach-Object { ($_ -split ' ')[1] } | Sort-Object -Unique).Count | Should -BeGreaterThan 1
        }
        finally {
            $pool | Remove-ProcessPool -Force
        }
        Wait-Until -TimeoutSeconds 60 { @(Get-SlurmTestJob).Count -eq 0 -and @(Get-JobProcess).Count -eq 0 } | Should -BeTrue
    }

    It 'replaces the workers of a node that fails (its agent and workers killed at once) like crashed workers: no item is lost' {
        $pool = New-ProcessPool -Slurm -ProcessCount 2
        try {
            $flag = Join-Path $TestDrive 'node-failure'
            $instance = [powershell]::Create()
            $null = $instance.AddScript({
                    param($Path, $Conf)
                    $deadline = [DateTime]::UtcNow.AddSeconds(120)
                    while (-not (Test-Path -LiteralPath $Path) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                    # What a node's failure leaves the session: the step's processes (the agent and its workers) gone at once, without a word.
                    $victims = foreach ($dir in [System.IO.Directory]::GetDirectories('/proc')) {
                        $id = Split-Path $dir -Leaf
                        if ($id -notmatch '^\d+$') { continue }
                        try { $environment = [System.IO.File]::ReadAllText("$dir/environ") } catch { continue }
                        if ($environment.Contains("SLURM_CONF=$Conf") -and $environment.Contains('SLURM_JOB_ID=') -and $environment.Contains('SLURM_STEP_ID=')) { [int] $id }
                    }
                    foreach ($id in $victims) { & kill -9 $id }
                    @($victims).Count
                }).AddArgument($flag).AddArgument($script:slurm.Conf)
            $async = $instance.BeginInvoke()
            $results = 1..30 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                if ($_ -eq 6) { [System.IO.File]::WriteAllText($using:flag, 'x') }
                Start-Sleep -Milliseconds 300
                "$_ $env:SLURM_JOB_ID $PID"
            } -ErrorVariable failures -ErrorAction SilentlyContinue
            $killed = $instance.EndInvoke($async)
            $instance.Dispose()

            # The agent and its two workers at least.
            $killed[0] | Should -BeGreaterOrEqual 3
            @($failures | ForEach-Object { $_.FullyQualifiedErrorId -like 'WorkerCrashed,*' }) | Should -Not -Contain $false
            $failures.Count | Should -BeLessOrEqual 2
            @(@($results | ForEach-Object { [int] ($_ -split ' ')[0] }) + @($failures | ForEach-Object TargetObject) | Sort-Object) | Should -Be @(1..30)
            # The items after the failure ran on new workers, in a new job.
            @($results | ForEach-Object { ($_ -split ' ')[1] } | Sort-Object -Unique).Count | Should -BeGreaterThan 1
            @($results | ForEach-Object { ($_ -split ' ')[2] } | Sort-Object -Unique).Count | Should -BeGreaterThan 2
        }
        finally {
            $pool | Remove-ProcessPool -Force
        }
        Wait-Until -TimeoutSeconds 60 { @(Get-SlurmTestJob).Count -eq 0 -and @(Get-JobProcess).Count -eq 0 } | Should -BeTrue
    }

    It 'an allocation Slurm refuses is a clear error with Slurm''s reason, and leaves nothing behind' {
        { New-ProcessPool -Slurm -SlurmOption '--partition=nosuchpartition' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoHostReachable,*' -ExpectedMessage '*nosuchpartition*'
        Wait-Until -TimeoutSeconds 30 { @(Get-SlurmTestJob).Count -eq 0 -and @(Get-JobProcess).Count -eq 0 } | Should -BeTrue
    }

    It 'without srun on PATH: SlurmNotFound, before anything starts' {
        $path = $env:PATH
        try {
            $env:PATH = '/nonexistent'
            { New-ProcessPool -Slurm -ErrorAction Stop } | Should -Throw -ErrorId 'SlurmNotFound,*'
        }
        finally {
            $env:PATH = $path
        }
    }
}
