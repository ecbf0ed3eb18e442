# A self-contained, ReadyToRun pwsh like the installed one (build/pwsh-r2r), and running Pester
# files under it. Dot-sourced by build.ps1.

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

function Publish-SelfContainedPwsh {
    <#
    Publishes a self-contained pwsh project (the folder of its pwsh.csproj: build/pwsh-r2r,
    build/pwsh-win) to $Output and adds what the publish does not carry, from $ToolHome (the
    PowerShell tool package's tree for that platform): $PSHOME's Modules, Schemas, en-US and, where
    the tree has one, powershell.config.json. The publish takes minutes and 170-180 MB, so it is
    kept: redone only when the project's sources (its folder's and those it compiles from elsewhere)
    change or the output is incomplete. Returns the path of $ExeName in $Output.
    #>
    param(
        [Parameter(Mandatory)] [string] $Project,
        [Parameter(Mandatory)] [string] $Output,
        [Parameter(Mandatory)] [string] $ExeName,
        [Parameter(Mandatory)] [string] $ToolHome,
        [switch] $Force
    )
    $csproj = Join-Path $Project 'pwsh.csproj'
    $stampPath = Join-Path $Output '.build-stamp'
    $compiled = ([xml] (Get-Content -LiteralPath $csproj -Raw)).SelectNodes('//Compile[@Include]') |
        ForEach-Object { Get-Item -LiteralPath (Join-Path $Project $_.Include) }
    $sources = @(Get-ChildItem -LiteralPath $Project -File) + @($compiled) |
        Where-Object Extension -in '.csproj', '.cs' | Sort-Object Name, FullName -Unique
    $stamp = ($sources | ForEach-Object { (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash }) -join ';'
    $pwsh = Join-Path $Output $ExeName
    if (-not $Force -and (Test-Path $pwsh) -and (Test-Path (Join-Path $Output 'Modules')) -and
        (Test-Path $stampPath) -and (Get-Content -LiteralPath $stampPath -Raw).Trim() -eq $stamp) {
        Write-Host "Up to date: $pwsh"
        return $pwsh
    }

    if (Test-Path $Output) { Remove-Item -LiteralPath $Output -Recurse -Force }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & dotnet publish $csproj -c Release -o $Output --nologo -v q
    if ($LASTEXITCODE -ne 0) { throw "Publishing $csproj failed with exit code $LASTEXITCODE." }
    foreach ($item in 'Modules', 'Schemas', 'en-US', 'powershell.config.json') {
        $from = Join-Path $ToolHome $item
        if (Test-Path $from) { Copy-Item -LiteralPath $from -Destination $Output -Recurse -Force }
    }
    Set-Content -LiteralPath $stampPath -Value $stamp -NoNewline
    Write-Host ("Published {0} in {1:N0} s: {2}" -f (Split-Path $Project -Leaf), $clock.Elapsed.TotalSeconds, $pwsh)
    $pwsh
}

function Invoke-PwshR2RBuild {
    <#
    The self-contained pwsh for linux-x64 with ReadyToRun (build/pwsh-r2r) in output/pwsh-r2r, with
    the built-in modules; kept between runs (Publish-SelfContainedPwsh).
    #>
    param([Parameter(Mandatory)] [string] $Root, [switch] $Force)
    if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
        Write-Warning 'The self-contained pwsh is built for linux-x64 only; skipped.'
        return $null
    }
    Publish-SelfContainedPwsh -Project (Join-Path $Root 'build/pwsh-r2r') -Output (Join-Path $Root 'output/pwsh-r2r') -ExeName 'pwsh' `
        -ToolHome (Get-PowerShellToolHome -Version '7.6.9') -Force:$Force
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
