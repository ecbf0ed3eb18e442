# A self-contained, ReadyToRun pwsh like the installed one (build/pwsh-r2r), and running Pester
# files under it. Dot-sourced by build.ps1.

function Get-PwshR2RPath {
    <# The pwsh executable of the self-contained build (output/pwsh-r2r/pwsh). #>
    param([Parameter(Mandatory)] [string] $Root)
    Join-Path $Root 'output/pwsh-r2r/pwsh'
}

function Get-PowerShellToolHome {
    <# The unix folder of the PowerShell dotnet tool package, which holds $PSHOME/Modules, Schemas and en-US. #>
    param([Parameter(Mandatory)] [string] $Version)
    if ((Test-Path (Join-Path $PSHOME 'Modules')) -and $PSVersionTable.PSVersion.ToString() -eq $Version -and $PSHOME -like '*tools*') {
        return $PSHOME
    }
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $candidate = Join-Path $packages "powershell/$Version/tools/net10.0/any/unix"
    if (-not (Test-Path (Join-Path $candidate 'Modules'))) {
        throw "The PowerShell $Version tool package is not in '$packages' (run 'dotnet tool restore')."
    }
    $candidate
}

function Invoke-PwshR2RBuild {
    <#
    Publishes build/pwsh-r2r self-contained for linux-x64 with ReadyToRun to output/pwsh-r2r and adds
    the built-in modules. The publish takes minutes and about 160 MB, so it is kept: it is redone
    only when the project files change or the output is incomplete.
    #>
    param([Parameter(Mandatory)] [string] $Root, [switch] $Force)
    if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
        Write-Warning 'The self-contained pwsh is built for linux-x64 only; skipped.'
        return $null
    }
    $project = Join-Path $Root 'build/pwsh-r2r'
    $output = Join-Path $Root 'output/pwsh-r2r'
    $stampPath = Join-Path $output '.build-stamp'
    $sources = Get-ChildItem -LiteralPath $project -File | Where-Object Extension -in '.csproj', '.cs' | Sort-Object Name
    $stamp = ($sources | ForEach-Object { (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash }) -join ';'
    $pwsh = Get-PwshR2RPath -Root $Root
    if (-not $Force -and (Test-Path $pwsh) -and (Test-Path (Join-Path $output 'Modules')) -and
        (Test-Path $stampPath) -and (Get-Content -LiteralPath $stampPath -Raw).Trim() -eq $stamp) {
        Write-Host "Self-contained pwsh is up to date: $pwsh"
        return $pwsh
    }

    if (Test-Path $output) { Remove-Item -LiteralPath $output -Recurse -Force }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & dotnet publish (Join-Path $project 'pwsh.csproj') -c Release -o $output --nologo -v q
    if ($LASTEXITCODE -ne 0) { throw "Publishing the self-contained pwsh failed with exit code $LASTEXITCODE." }
    $toolHome = Get-PowerShellToolHome -Version '7.6.9'
    foreach ($folder in 'Modules', 'Schemas', 'en-US') {
        $from = Join-Path $toolHome $folder
        if (Test-Path $from) { Copy-Item -LiteralPath $from -Destination $output -Recurse -Force }
    }
    Set-Content -LiteralPath $stampPath -Value $stamp -NoNewline
    Write-Host ("Published the self-contained pwsh in {0:N0} s: {1}" -f $clock.Elapsed.TotalSeconds, $pwsh)
    $pwsh
}

function Invoke-PesterUnder {
    <#
    Runs Pester files in a child process of another PowerShell executable (e.g. the self-contained
    pwsh) and returns its counts: @{ Passed; Failed }. A child that crashes counts as one failure.
    #>
    param(
        [Parameter(Mandatory)] [string] $Executable,
        [Parameter(Mandatory)] [string[]] $Path,
        [Parameter(Mandatory)] [string] $PesterManifest,
        [Parameter(Mandatory)] [string] $ResultPath
    )
    $script = @'
param($Pester, $ResultPath, [string[]] $Path)
Import-Module $Pester -Force
$config = New-PesterConfiguration
$config.Run.Path = @($Path -split ',')
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = $ResultPath
$result = Invoke-Pester -Configuration $config
"PESTER_COUNTS $($result.PassedCount) $($result.FailedCount)"
'@
    $file = Join-Path ([IO.Path]::GetTempPath()) ("proccmdlets-pester-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
    Set-Content -LiteralPath $file -Value $script -Encoding utf8
    try {
        $counts = $null
        & $Executable -NoProfile -NonInteractive -File $file -Pester $PesterManifest -ResultPath $ResultPath -Path ($Path -join ',') | ForEach-Object {
            if ("$_" -match '^PESTER_COUNTS (\d+) (\d+)$') { $counts = @{ Passed = [int] $Matches[1]; Failed = [int] $Matches[2] } }
            else { Write-Host $_ }
        }
        if (-not $counts) { return @{ Passed = 0; Failed = 1 } }
        $counts
    } finally {
        Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
    }
}
