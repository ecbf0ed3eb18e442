#Requires -Version 7.0
# How workers start: the bundled worker program by default, the session's own pwsh when asked
# (as on a self-contained pwsh or Windows PowerShell, where the bundled program cannot run).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest

    # Runs a script in a fresh pwsh (the same executable as this session) with the given environment.
    function Invoke-FreshPwsh([string] $Script, [hashtable] $Environment = @{}) {
        $process = [System.Diagnostics.Process]::Start((New-PwshStartInfo '-Command', $Script -Environment $Environment))
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $null = $process.WaitForExit(60000)
        [pscustomobject]@{ Output = $stdout -split "`r?`n" | Where-Object { $_ }; Errors = $stderr.Result; ExitCode = $process.ExitCode }
    }

    $script:probe = @"
Import-Module '$(Get-ProcCmdletsModulePath)'
`$ProcCmdletsWarmSpare = `$false
`$w = Start-WorkerProcess { "version `$(`$PSVersionTable.PSVersion)"; "cmdline `$((Get-Content -Raw "/proc/`$PID/cmdline") -replace "``0", ' ')" }
`$w | Wait-WorkerProcess
"exit `$(`$w.ExitCode)"
(1..3 | Invoke-ProcessPoolMap { `$_ * 2 } -ProcessCount 1) -join ','
"@
}

AfterAll {
    Assert-NoWorkerLeft
}

BeforeDiscovery {
    # A self-contained pwsh (as installed from Microsoft's packages) carries its own runtime, with no
    # dotnet executable to run the bundled worker program on.
    $script:selfContained = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory().TrimEnd('/') -eq $PSHOME.TrimEnd('/')
}

Describe 'How workers start (Linux: the command line read from /proc)' -Skip:(-not $IsLinux) {
    It 'runs the session''s own pwsh by default on a self-contained pwsh' -Skip:(-not $script:selfContained) {
        $result = Invoke-FreshPwsh $script:probe
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $result.Output | Should -Contain "version $($PSVersionTable.PSVersion)"
        ($result.Output | Where-Object { $_ -like 'cmdline *' }) | Should -BeLike "*$([Environment]::ProcessPath)*-NonInteractive*"
        $result.Output | Should -Contain 'exit 0'
        $result.Output | Should -Contain '2,4,6'
    }

    It 'runs the bundled worker program on the session''s runtime by default' -Skip:$script:selfContained {
        $result = Invoke-FreshPwsh $script:probe
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $result.Output | Should -Contain "version $($PSVersionTable.PSVersion)"
        ($result.Output | Where-Object { $_ -like 'cmdline *' }) | Should -BeLike '*ProcCmdlets.Worker.dll*'
        $result.Output | Should -Contain 'exit 0'
        $result.Output | Should -Contain '2,4,6'
    }

    It 'runs the session''s own pwsh when PROCCMDLETS_WORKER_STRATEGY is Host' {
        $result = Invoke-FreshPwsh $script:probe @{ PROCCMDLETS_WORKER_STRATEGY = 'Host' }
        $result.ExitCode | Should -Be 0 -Because $result.Errors
        $result.Output | Should -Contain "version $($PSVersionTable.PSVersion)"
        $cmdline = $result.Output | Where-Object { $_ -like 'cmdline *' }
        $cmdline | Should -BeLike '*-NonInteractive*'
        $cmdline | Should -Not -BeLike '*ProcCmdlets.Worker.dll*'
        $result.Output | Should -Contain 'exit 0'
        $result.Output | Should -Contain '2,4,6'
    }

    It 'starts pwsh-hosted workers from a module folder whose path holds typographic quotes and a quote' {
        # PowerShell ends a single-quoted string at ‘ ’ ‚ ‛ as at '.
        $folder = Join-Path $TestDrive "O’Brien's ‘mods’ ‚x‛"
        $null = New-Item -ItemType Directory -Path $folder
        Copy-Item -Path (Get-ProcCmdletsModulePath) -Destination $folder -Recurse
        $module = Join-Path $folder 'ProcCmdlets'
        $probe = @"
Import-Module '$([System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($module))'
`$ProcCmdletsWarmSpare = `$false
`$w = Start-WorkerProcess { 'started' }
`$w | Wait-WorkerProcess
(1..3 | Invoke-ProcessPoolMap { `$_ * 2 } -ProcessCount 1) -join ','
"@
        $result = Invoke-FreshPwsh $probe @{ PROCCMDLETS_WORKER_STRATEGY = 'Host' }
        $result.ExitCode | Should -Be 0 -Because "$($result.Errors) $($result.Output)"
        $result.Output | Should -Contain 'started'
        $result.Output | Should -Contain '2,4,6'
    }
}

Describe 'StartStrategy: cleanup' {
    It 'leaves no worker process behind' {
        Assert-NoWorkerLeft
    }
}
