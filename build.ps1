#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests, demonstrates, benchmarks and packages ProcCmdlets.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$manifest = Import-PowerShellDataFile (Join-Path $root 'module/ProcCmdlets.psd1')
$version = $manifest.ModuleVersion
$moduleDir = Join-Path $root "output/ProcCmdlets/$version"
# Pester is pinned here and nowhere else.
$pesterVersion = '5.7.1'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Dotnet build (Join-Path $root 'src/ProcCmdlets.Worker/ProcCmdlets.Worker.csproj') -c $Configuration --nologo -v q
    $bin = Join-Path $root "src/ProcCmdlets.Worker/bin/$Configuration/net10.0"
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    New-Item -ItemType Directory $moduleDir | Out-Null
    Copy-Item (Join-Path $bin 'ProcCmdlets.dll') $moduleDir
    # One worker program per target runtime: the session runs the newest its own runtime can (worker/net<N>.0/).
    foreach ($target in 'net8.0', 'net10.0') {
        $targetBin = Join-Path $root "src/ProcCmdlets.Worker/bin/$Configuration/$target"
        $workerDir = New-Item -ItemType Directory (Join-Path $moduleDir "worker/$target") -Force
        Copy-Item (Join-Path $targetBin 'ProcCmdlets.Worker.dll'), (Join-Path $targetBin 'ProcCmdlets.Worker.runtimeconfig.json') $workerDir
    }
    Copy-Item (Join-Path $root 'module/*') $moduleDir
    $helpCompiler = Join-Path $root 'build/HelpCompiler.psm1'
    if (Test-Path $helpCompiler) {
        Import-Module $helpCompiler -Force
        $culture = New-Item -ItemType Directory (Join-Path $moduleDir 'en-US') -Force
        ConvertTo-MamlHelp -MarkdownPath (Join-Path $root 'docs') -OutputPath (Join-Path $culture 'ProcCmdlets.dll-Help.xml')
        ConvertTo-AboutHelp -Path (Join-Path $root 'docs/about_ProcCmdlets.md') -OutputPath (Join-Path $culture 'about_ProcCmdlets.help.txt')
    }
    Write-Host "Built $moduleDir"
}

function Get-Pester {
    $packages = Join-Path $root 'output/packages'
    $pester = Join-Path $packages "pester/$pesterVersion/tools/Pester.psd1"
    # A restore can fail on a passing network fault: try it a few times, showing why.
    for ($attempt = 1; -not (Test-Path $pester) -and $attempt -le 3; $attempt++) {
        & dotnet restore (Join-Path $root 'build/Pester.proj') --packages $packages -p:PesterVersion=$pesterVersion --nologo -v m | Out-Host
        if ($LASTEXITCODE -ne 0) { Write-Warning "Restoring Pester $pesterVersion failed (attempt $attempt of 3)."; Start-Sleep -Seconds (5 * $attempt) }
    }
    if (-not (Test-Path $pester)) { throw "Pester $pesterVersion could not be restored from NuGet." }
    $pester
}

function Invoke-Test {
    $started = Get-Date
    Invoke-Build
    $trx = Join-Path $root 'output/test-results'
    & dotnet test (Join-Path $root 'tests/unit/ProcCmdlets.Tests.csproj') -c $Configuration --nologo -v q --logger "trx;LogFileName=unit.trx" --results-directory $trx
    $unitExit = $LASTEXITCODE
    [xml] $results = Get-Content (Join-Path $trx 'unit.trx')
    $counters = $results.TestRun.ResultSummary.Counters
    $unitPassed = [int] $counters.passed
    $unitFailed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
    if ($unitExit -ne 0 -and $unitFailed -eq 0) { $unitFailed = 1 }

    Import-Module (Get-Pester) -Force
    $config = New-PesterConfiguration
    $config.Run.Path = @((Join-Path $root 'tests/pester'), (Join-Path $root 'tests/unit-ps')) | Where-Object { Test-Path $_ }
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Normal'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $trx 'pester.xml'
    $pesterResult = Invoke-Pester -Configuration $config
    . (Join-Path $root 'build/StaleEndpoints.ps1')
    Remove-StaleEndpoint -Since $started
    $passed = $unitPassed + $pesterResult.PassedCount
    $failed = $unitFailed + $pesterResult.FailedCount
    Write-Host "xunit: $unitPassed passed, $unitFailed failed; Pester: $($pesterResult.PassedCount) passed, $($pesterResult.FailedCount) failed"
    Write-Output "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Import-Module (Join-Path $root 'output/ProcCmdlets') -Force
    foreach ($example in Get-ChildItem (Join-Path $root 'examples') -Filter '*.ps1' | Sort-Object Name) {
        Write-Host ''
        Write-Host "=== $($example.BaseName) ===" -ForegroundColor Cyan
        & $example.FullName
    }
    Remove-Module ProcCmdlets
}

function Invoke-Bench {
    Invoke-Build
    & (Join-Path $root 'bench/Invoke-Benchmarks.ps1') -ModulePath (Join-Path $root 'output/ProcCmdlets')
}

function Invoke-Package {
    Invoke-Build
    $out = Join-Path $root 'output'
    & (Join-Path $root 'build/New-ModulePackage.ps1') -ModuleDirectory $moduleDir -OutputDirectory $out
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
}
