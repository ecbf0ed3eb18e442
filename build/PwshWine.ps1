# The Windows lane: a self-contained Windows pwsh (build/pwsh-win) run under Debian's wine64, and the
# Pester suite run under it, one file per process. Dot-sourced by build.ps1 (-Task TestWindows, and a
# step of -Task Test where Wine is or can be installed).

$script:WineBinary = '/usr/lib/wine/wine64'
# A file that has not finished in this time is ended and counted as one failure, so that one hang
# cannot take the CI run's limit.
$script:WineFileTimeoutSeconds = 600

function Get-WineSkipReason {
    <#
    Installs Debian's wine64 when it is missing and this runs as root with apt-get; returns why the
    lane cannot run, or $null when it can.
    #>
    if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') { return 'the Wine lane runs on linux-x64 only' }
    if (-not (Get-Command script -CommandType Application -ErrorAction SilentlyContinue)) { return 'script (util-linux), which gives pwsh.exe its terminal, is not installed' }
    if (Test-Path $script:WineBinary) { return $null }
    if ((id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        return 'wine64 is not installed and cannot be (installing it needs root and apt-get)'
    }
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $log = & apt-get install -y -q --no-install-recommends wine64 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log = @(& apt-get update -q 2>&1) + @(& apt-get install -y -q --no-install-recommends wine64 2>&1)
    }
    if (-not (Test-Path $script:WineBinary)) { return "installing wine64 failed: $($log | Select-Object -Last 5)" }
    $null
}

function Get-WineEnvironment {
    <# The variables every Wine process of the lane runs with. #>
    param([Parameter(Mandatory)] [string] $Root)
    @{
        WINEPREFIX                   = Join-Path $Root 'output/wine-prefix'
        WINEDEBUG                    = '-all'
        # Else the CLR stops with an internal error at finalization under Wine.
        DOTNET_EnableWriteXorExecute = '0'
        # No X server: Wine must not try to open windows.
        DISPLAY                      = $null
        WAYLAND_DISPLAY              = $null
    }
}

function Invoke-WithWineEnvironment {
    param([Parameter(Mandatory)] [hashtable] $Environment, [Parameter(Mandatory)] [scriptblock] $Script)
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try { & $Script } finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Invoke-PwshWinBuild {
    <#
    The self-contained Windows pwsh (build/pwsh-win) in output/pwsh-win, with the built-in modules
    and the installed pwsh's powershell.config.json (execution policy RemoteSigned, as the Windows
    installer sets it); kept between runs like the ReadyToRun one (Publish-SelfContainedPwsh).
    #>
    param([Parameter(Mandatory)] [string] $Root, [switch] $Force)
    $toolHome = Join-Path (Split-Path (Get-PowerShellToolHome -Version '7.6.9')) 'win'
    Publish-SelfContainedPwsh -Project (Join-Path $Root 'build/pwsh-win') -Output (Join-Path $Root 'output/pwsh-win') -ExeName 'pwsh.exe' `
        -ToolHome $toolHome -Force:$Force
}

function Initialize-WinePrefix {
    <# The lane's own Wine prefix (output/wine-prefix), set to Windows 10 once. #>
    param([Parameter(Mandatory)] [string] $Root)
    $prefix = Join-Path $Root 'output/wine-prefix'
    $marker = Join-Path $prefix '.proccmdlets-win10'
    if (Test-Path $marker) { return }
    $null = New-Item -ItemType Directory -Path $prefix -Force
    Invoke-WithWineEnvironment (Get-WineEnvironment -Root $Root) {
        $null = & $script:WineBinary winecfg /v win10 2>&1
        $null = & (Join-Path (Split-Path $script:WineBinary) 'wineserver') -w 2>&1
    }
    Set-Content -LiteralPath $marker -Value 'win10'
}

function Stop-WinePrefix {
    <# Ends every process of the lane's prefix (only the lane runs in it). #>
    param([Parameter(Mandatory)] [string] $Root)
    Invoke-WithWineEnvironment (Get-WineEnvironment -Root $Root) {
        $null = & (Join-Path (Split-Path $script:WineBinary) 'wineserver') -k 2>&1
    }
}

function Invoke-PesterUnderWine {
    <#
    Runs each Pester file in its own pwsh.exe under Wine (in a terminal: the console host needs one
    there) and returns the lane's counts: @{ Passed; Failed; Skipped; Seconds }. A file whose process
    ends without counts, or runs out of time, counts as one failure.
    #>
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $Pwsh,
        [Parameter(Mandatory)] [string[]] $Path,
        [Parameter(Mandatory)] [string] $PesterManifest,
        [Parameter(Mandatory)] [string] $ResultDirectory
    )
    $runner = @'
param($Pester, $CountsPath, $Path)
$ProgressPreference = 'SilentlyContinue'
Import-Module $Pester -Force
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.Output.RenderMode = 'Plaintext'
# No NUnit report: Pester's reads Win32_OperatingSystem through CIM, which hangs under Wine.
$result = Invoke-Pester -Configuration $config
Set-Content -LiteralPath $CountsPath -Value "$($result.PassedCount) $($result.FailedCount) $($result.SkippedCount)"
'@
    $null = New-Item -ItemType Directory -Path $ResultDirectory -Force
    $runnerPath = Join-Path $ResultDirectory 'wine-runner.ps1'
    Set-Content -LiteralPath $runnerPath -Value $runner -Encoding utf8
    $totals = @{ Passed = 0; Failed = 0; Skipped = 0; Seconds = 0.0 }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Invoke-WithWineEnvironment (Get-WineEnvironment -Root $Root) {
        foreach ($file in $Path) {
            $name = [IO.Path]::GetFileNameWithoutExtension($file)
            $counts = Join-Path $ResultDirectory "wine-$name.counts"
            $log = Join-Path $ResultDirectory "wine-$name.log"
            Remove-Item -LiteralPath $counts -ErrorAction SilentlyContinue
            $command = "stty cols 200 2>/dev/null; exec '$script:WineBinary' '$Pwsh' -NoProfile -NonInteractive -File '$runnerPath' " +
                "-Pester '$PesterManifest' -CountsPath '$counts' -Path '$file'"
            $start = [Diagnostics.ProcessStartInfo]::new('script')
            foreach ($argument in '-qefc', $command, $log) { $start.ArgumentList.Add($argument) }
            $start.UseShellExecute = $false
            $start.RedirectStandardInput = $true
            $start.RedirectStandardOutput = $true
            $fileClock = [Diagnostics.Stopwatch]::StartNew()
            $process = [Diagnostics.Process]::Start($start)
            $process.StandardInput.Close()
            $null = $process.StandardOutput.ReadToEndAsync()
            $finished = $process.WaitForExit($script:WineFileTimeoutSeconds * 1000)
            if (-not $finished) {
                $process.Kill($true)
                Stop-WinePrefix -Root $Root
                $process.WaitForExit()
            }
            $process.Dispose()
            $line = if (Test-Path $counts) { (Get-Content -LiteralPath $counts -Raw).Trim() } else { '' }
            if ($line -match '^(\d+) (\d+) (\d+)$') {
                $p, $f, $s = [int] $Matches[1], [int] $Matches[2], [int] $Matches[3]
            } else {
                $p, $f, $s = 0, 1, 0
                $why = if ($finished) { 'ended without counts' } else { "did not finish in $script:WineFileTimeoutSeconds s" }
                Write-Host "Under Wine: $name $why; its output is in $log" -ForegroundColor Red
            }
            $totals.Passed += $p; $totals.Failed += $f; $totals.Skipped += $s
            $color = if ($f -gt 0) { 'Red' } else { 'Green' }
            Write-Host ("Under Wine: {0}: {1} passed, {2} failed, {3} skipped in {4:N0} s" -f $name, $p, $f, $s, $fileClock.Elapsed.TotalSeconds) -ForegroundColor $color
            if ($f -gt 0 -and (Test-Path $log)) {
                # The failures' own lines, so that CI's log shows why without the artifact.
                Get-Content -LiteralPath $log | ForEach-Object { $_ -replace '\x1b\][^\x07]*\x07|\x1b\[[0-9;?]*[A-Za-z]', '' } |
                    Select-String -Pattern '\[-\] ' -Context 0, 6 | ForEach-Object { Write-Host $_ }
            }
        }
    }
    Stop-WinePrefix -Root $Root
    $totals.Seconds = $clock.Elapsed.TotalSeconds
    $totals
}

function Invoke-WindowsLane {
    <#
    The Windows lane: installs Wine if it can, builds the Windows pwsh, runs every Pester file under
    it. Returns @{ Passed; Failed; Skipped; Seconds; SkipReason }.
    #>
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $PesterManifest,
        [switch] $Required
    )
    $reason = Get-WineSkipReason
    if ($reason) {
        if ($Required) { throw "The Wine lane cannot run: $reason." }
        Write-Warning "The Wine lane is skipped: $reason."
        return @{ Passed = 0; Failed = 0; Skipped = 0; Seconds = 0; SkipReason = $reason }
    }
    $pwsh = Invoke-PwshWinBuild -Root $Root
    Initialize-WinePrefix -Root $Root
    $files = @(Get-ChildItem (Join-Path $Root 'tests/pester') -Filter '*.Tests.ps1' | Sort-Object Name | ForEach-Object FullName)
    Write-Host "Under Wine (Windows pwsh 7.6.9): $($files.Count) files"
    $result = Invoke-PesterUnderWine -Root $Root -Pwsh $pwsh -Path $files -PesterManifest $PesterManifest -ResultDirectory (Join-Path $Root 'output/test-results/wine')
    Write-Host ("Under Wine: {0} passed, {1} failed, {2} skipped in {3:N0} s" -f $result.Passed, $result.Failed, $result.Skipped, $result.Seconds)
    $result.SkipReason = $null
    $result
}
