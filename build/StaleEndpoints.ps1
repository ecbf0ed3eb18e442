# Shared by build.ps1 (after the tests) and the benchmarks (after each scenario).

function Remove-StaleEndpoint {
    <#
    Removes the endpoint files that processes started since -Since left in the temp directory when
    they were killed rather than exiting (Start-Job's child processes are, when their jobs are
    removed; so are the sessions and pwsh-started workers some tests kill on purpose): .NET's debug
    pipes and diagnostics sockets and PowerShell's host pipe. Only files of
    processes that no longer exist are touched. A temp directory full of them slows every runspace
    whose location is under it.
    #>
    param([datetime] $Since)
    if (-not $IsLinux) { return }
    $directory = [IO.Path]::GetTempPath()
    $patterns = '^clr-debug-pipe-(\d+)-', '^dotnet-diagnostic-(\d+)-', '^CoreFxPipe_PSHost\.[0-9A-F]+\.(\d+)\.'
    foreach ($entry in [IO.Directory]::EnumerateFileSystemEntries($directory)) {
        $name = [IO.Path]::GetFileName($entry)
        foreach ($pattern in $patterns) {
            if ($name -match $pattern) {
                if (-not (Test-Path "/proc/$($Matches[1])") -and [IO.File]::GetLastWriteTimeUtc($entry) -ge $Since.ToUniversalTime()) {
                    Remove-Item -LiteralPath $entry -Force -ErrorAction SilentlyContinue
                }
                break
            }
        }
    }
}
