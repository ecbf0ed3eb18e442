#Requires -Version 7.0
# The trace switch [multiprocessing.util.debug]: $env:PROCCMDLETS_TRACE names a file, read once
# when the module is first used; the pool's decisions and every frame's kind and size go there,
# and each worker writes its own frames to the path followed by "." and its process id.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest

    # Runs $Command in a separate PowerShell process whose environment names $TracePath; returns its exit code.
    function Invoke-TracedPowerShell {
        param([string] $Command, [string] $TracePath)

        $process = [System.Diagnostics.Process]::Start((New-PwshStartInfo '-Command', $Command -Environment @{ PROCCMDLETS_TRACE = $TracePath }))
        $output = $process.StandardOutput.ReadToEndAsync()
        $errors = $process.StandardError.ReadToEndAsync()
        # A new pwsh and three worker starts one after another (the item that exits ends one).
        if (-not $process.WaitForExit(90000)) {
            $process.Kill($true)
            throw 'The traced session did not end within 90 s.'
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $output.Result; Error = $errors.Result }
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'PROCCMDLETS_TRACE' {
    It 'writes the pool''s decisions and every frame to the file it names, and a worker''s frames to a file of its own' {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) ("pctrace-" + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        try {
            $trace = Join-Path $folder 'session.log'
            $command = @'
Import-Module '{0}'
$pool = New-ProcessPool -ProcessCount 1 -MaxTasksPerWorker 2 -Name Traced
$results = 1..4 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 -TimeoutSeconds 300 {{ if ($_ -eq 3) {{ [Environment]::Exit(7) }}; $_ * 10 }} -ErrorAction SilentlyContinue -ErrorVariable failures
Remove-ProcessPool -Pool $pool
"results=$($results -join ',') errors=$($failures.FullyQualifiedErrorId -join ',')"
'@ -f (Get-ProcCmdletsModulePath).Replace("'", "''")
            $run = Invoke-TracedPowerShell -Command $command -TracePath $trace

            $run.Output | Should -Match 'results=10,20,40 errors=WorkerCrashed'
            $lines = Get-Content -LiteralPath $trace
            $lines | Should -Match '^\d\d:\d\d:\d\d\.\d{6} \[\d+\] '
            ($lines -match 'pool Traced: worker \d+ started on ').Count | Should -BeGreaterOrEqual 2
            ($lines -match 'pool: chunk \d+ of 1 items to worker \d+').Count | Should -BeGreaterOrEqual 4
            $lines -match 'pool Traced: worker \d+ retired after 2 items' | Should -Not -BeNullOrEmpty
            $lines -match 'pool: worker \d+ finished item 0 of chunk \d+; the next is due by \d\d:\d\d:\d\d\.\d{3}$' | Should -Not -BeNullOrEmpty
            $lines -match 'pool: worker \d+ blamed for item 0 of chunk \d+' | Should -Not -BeNullOrEmpty
            $lines -match 'pool Traced: worker \d+ exited with status 7$' | Should -Not -BeNullOrEmpty
            $lines -match 'frame > RunChunk \d+ B \(ProcCmdlets writer to worker \d+\)' | Should -Not -BeNullOrEmpty
            $lines -match 'frame < Results \d+ B \(from worker \d+\)' | Should -Not -BeNullOrEmpty

            $started = $lines -match 'worker (\d+) started' | ForEach-Object { [regex]::Match($_, 'worker (\d+) started').Groups[1].Value }
            $workerTrace = Join-Path $folder ('session.log.' + $started[0])
            Test-Path -LiteralPath $workerTrace | Should -BeTrue
            (Get-Content -LiteralPath $workerTrace) -match 'frame > InitDone 1 B \(ProcCmdlets worker writer\)' | Should -Not -BeNullOrEmpty
        }
        finally {
            Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'writes nothing when it is not set' {
        $env:PROCCMDLETS_TRACE | Should -BeNullOrEmpty
        $pool = New-ProcessPool -ProcessCount 1 -Name Untraced
        try {
            1..2 | Invoke-ProcessPoolMap -Pool $pool { $_ } | Should -Be @(1, 2)
        }
        finally {
            Remove-ProcessPool -Pool $pool
        }
        [ProcCmdlets.ProcessPool].Assembly.GetType('ProcCmdlets.Channel.DebugTrace').GetField('On', [System.Reflection.BindingFlags]'Static,Public').GetValue($null) | Should -BeFalse
    }
}
