#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests, demonstrates, benchmarks and packages ProcCmdlets.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Analyze', 'Test', 'TestFast', 'TestWindows', 'Demo', 'Bench', 'Package', 'BuildPwsh')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test and TestFast: run the tests while the machine is kept busy (build/StressLoad.ps1).
    [switch] $Stress
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$manifest = Import-PowerShellDataFile (Join-Path $root 'module/ProcCmdlets.psd1')
$version = $manifest.ModuleVersion
$moduleDir = Join-Path $root "output/ProcCmdlets/$version"
# Pester is pinned here and nowhere else.
$pesterVersion = '5.7.1'
. (Join-Path $root 'build/PwshR2R.ps1')
. (Join-Path $root 'build/PwshWine.ps1')
# Run again under the self-contained ReadyToRun pwsh (output/pwsh-r2r) by the Test task.
$pwshR2RTests = @('StartStrategy.Tests.ps1', 'Q1.*.Tests.ps1', 'Q2.*.Tests.ps1', 'Q3.*.Tests.ps1', 'Q4.*.Tests.ps1', 'Q5.*.Tests.ps1', 'Q6.*.Tests.ps1')
# TestFast: the xunit tests and these Pester files: a pool made, listed, mapped over, applied; a worker started and joined.
$fastTests = @('NewProcessPool.Tests.ps1', 'GetProcessPool.Tests.ps1', 'Q3.CreateStartJoinProcess.Tests.ps1', 'Q4.PoolMap.Tests.ps1', 'Q5.PoolMapApplyStarmap.Tests.ps1')

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

# Analyze: the solution built with every compiler and .NET analyzer warning as an error, and every
# PowerShell file parsed (and analyzed by PSScriptAnalyzer where it is installed). Returns one
# result per check: Name, Passed, and the findings that failed it.
function Invoke-Analyze {
    $results = [System.Collections.Generic.List[object]]::new()

    # Rebuilt, not built incrementally: an up-to-date project is not compiled again, so its
    # warnings would not be reported. MSBuild's -warnaserror fails the build on any warning (the
    # compiler's, the analyzers', NuGet's) yet, unlike TreatWarningsAsErrors, still compiles the
    # projects that reference a failing one, so one run lists every project's findings.
    Write-Host 'Analyze: building the solution with warnings as errors'
    $log = & dotnet build (Join-Path $root 'ProcCmdlets.sln') -c $Configuration --nologo --no-incremental -v q -warnaserror 2>&1
    $buildExit = $LASTEXITCODE
    $findings = @($log | ForEach-Object { "$_" } | Where-Object { $_ -match ': (error|warning) [A-Za-z]+\d+' } |
        ForEach-Object { $_.Replace("$root$([System.IO.Path]::DirectorySeparatorChar)", '') -replace ' \[[^\]]+\.csproj\]$', '' } | Sort-Object -Unique)
    if ($buildExit -ne 0 -and $findings.Count -eq 0) {
        # A failure that is not a diagnostic (a restore, a missing SDK): show what dotnet said.
        $findings = @($log | ForEach-Object { "$_" } | Select-Object -Last 20)
    }
    $results.Add([pscustomobject]@{ Name = 'compiler and .NET analyzers, warnings as errors'; Passed = $buildExit -eq 0; Findings = $findings })

    # Folders skipped before they are walked, not filtered after: output/ holds the Wine prefix,
    # whose z: drive is a link to / (the walk would cover the whole file system).
    $skipped = 'output', 'bin', 'obj', '.git'
    $scripts = @(Get-ChildItem -LiteralPath $root -Force | Where-Object { $skipped -notcontains $_.Name } | ForEach-Object {
            if ($_.PSIsContainer) { Get-ChildItem -LiteralPath $_.FullName -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' } else { $_ }
        } | Where-Object { $_.Extension -in '.ps1', '.psm1', '.psd1' -and $_.FullName.Substring($root.Length) -notmatch '[\\/](output|bin|obj|\.git)[\\/]' } |
        Sort-Object FullName)

    # The parser needs no module: every script, module and data file must parse, and a data file
    # must also be one Import-PowerShellDataFile accepts (constants only).
    $parseFindings = foreach ($file in $scripts) {
        $tokens = $null
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref] $tokens, [ref] $errors)
        $relative = [System.IO.Path]::GetRelativePath($root, $file.FullName)
        foreach ($parseError in $errors) {
            '{0}({1},{2}): {3} {4}' -f $relative, $parseError.Extent.StartLineNumber, $parseError.Extent.StartColumnNumber, $parseError.ErrorId, $parseError.Message
        }
        if (-not $errors -and $file.Extension -eq '.psd1') {
            try { $null = Import-PowerShellDataFile -LiteralPath $file.FullName }
            catch { '{0}: not a data file: {1}' -f $relative, $_.Exception.Message }
        }
    }
    $results.Add([pscustomobject]@{ Name = "PowerShell parser ($($scripts.Count) files)"; Passed = -not $parseFindings; Findings = @($parseFindings) })

    $analyzer = Get-Module -ListAvailable -Name PSScriptAnalyzer | Sort-Object Version -Descending | Select-Object -First 1
    if ($analyzer) {
        Import-Module $analyzer -Force
        $settings = Join-Path $root 'PSScriptAnalyzerSettings.psd1'
        $options = @{}
        if (Test-Path $settings) { $options.Settings = $settings }
        $diagnostics = @(foreach ($file in $scripts) { Invoke-ScriptAnalyzer -Path $file.FullName -Severity Warning, Error @options })
        $analyzerFindings = @($diagnostics | ForEach-Object {
                '{0}({1},{2}): {3} {4}: {5}' -f [System.IO.Path]::GetRelativePath($root, $_.ScriptPath), $_.Line, $_.Column, $_.Severity, $_.RuleName, $_.Message
            })
        $results.Add([pscustomobject]@{ Name = "PSScriptAnalyzer $($analyzer.Version) ($($scripts.Count) files)"; Passed = $analyzerFindings.Count -eq 0; Findings = $analyzerFindings })
    }
    else {
        # Not a failure: the build restores nothing from the PowerShell Gallery, and PSScriptAnalyzer
        # is published there, not as a NuGet package the build can restore.
        Write-Host 'Analyze: PSScriptAnalyzer is not installed on this machine (Get-Module -ListAvailable PSScriptAnalyzer finds none), so the scripts were parsed but not analyzed. It comes from the PowerShell Gallery, which the build does not use; Install-PSResource PSScriptAnalyzer (or Install-Module) and run again to have them analyzed.'
    }

    foreach ($result in $results) {
        Write-Host ('Analyze: {0}: {1}' -f $result.Name, $(if ($result.Passed) { 'passed' } else { "failed, $($result.Findings.Count) findings" }))
        foreach ($finding in $result.Findings) { Write-Host "    $finding" }
    }
    $results
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
    param([switch] $Fast)
    $started = Get-Date
    Invoke-Build
    $load = $null
    if ($Stress) {
        . (Join-Path $root 'build/StressLoad.ps1')
        $load = Start-StressLoad -ModulePath (Join-Path $root 'output/ProcCmdlets')
    }
    try {
        Invoke-TestRun -Fast:$Fast -Started $started
    } finally {
        # Also on Ctrl+C or a failure: nothing of the load outlives the run.
        if ($load) { Stop-StressLoad $load }
    }
    if ($script:testsFailed -gt 0) { exit 1 }
}

function Invoke-TestRun {
    param([switch] $Fast, [datetime] $Started)
    # Analyze first: its findings are read before the tests' output, and a finding fails the run
    # (each check counts as one test). TestFast leaves it out, to stay fast.
    $analysis = @()
    $analyzeWatch = [System.Diagnostics.Stopwatch]::StartNew()
    if (-not $Fast) { $analysis = @(Invoke-Analyze) }
    $analyzeWatch.Stop()
    $analyzePassed = @($analysis | Where-Object Passed).Count
    $analyzeFailed = $analysis.Count - $analyzePassed
    $trx = Join-Path $root 'output/test-results'
    & dotnet test (Join-Path $root 'tests/unit/ProcCmdlets.Tests.csproj') -c $Configuration --nologo -v q --logger "trx;LogFileName=unit.trx" --results-directory $trx
    $unitExit = $LASTEXITCODE
    [xml] $results = Get-Content (Join-Path $trx 'unit.trx')
    $counters = $results.TestRun.ResultSummary.Counters
    $unitPassed = [int] $counters.passed
    $unitFailed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
    if ($unitExit -ne 0 -and $unitFailed -eq 0) { $unitFailed = 1 }
    $unitTimes = $results.TestRun.Times
    $unitSeconds = ([datetime] $unitTimes.finish - [datetime] $unitTimes.start).TotalSeconds

    Import-Module (Get-Pester) -Force
    $config = New-PesterConfiguration
    $config.Run.Path = if ($Fast) {
        @(foreach ($name in $fastTests) { Join-Path $root "tests/pester/$name" })
    } else {
        @((Join-Path $root 'tests/pester'), (Join-Path $root 'tests/unit-ps')) | Where-Object { Test-Path $_ }
    }
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Normal'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $trx 'pester.xml'
    $pesterResult = Invoke-Pester -Configuration $config
    $r2r = @{ Passed = 0; Failed = 0 }
    if ($IsLinux -and -not $Fast) {
        try {
            $pwshR2R = Invoke-PwshR2RBuild -Root $root
            $files = @(foreach ($pattern in $pwshR2RTests) { Get-ChildItem (Join-Path $root 'tests/pester') -Filter $pattern | ForEach-Object FullName })
            Write-Host "Under the self-contained ReadyToRun pwsh: $($files.Count) files"
            $r2r = Invoke-PesterUnder -Executable $pwshR2R -Path $files -PesterManifest (Get-Pester) -ResultPath (Join-Path $trx 'pester-r2r.xml')
        } catch {
            Write-Warning "The self-contained pwsh tests could not run: $($_.Exception.Message)"
            $r2r = @{ Passed = 0; Failed = 1 }
        }
    }
    # The Windows lane (Pester under a Windows pwsh in Wine), where Wine is or can be installed.
    $wine = @{ Passed = 0; Failed = 0 }
    if ($IsLinux -and -not $Fast) {
        try { $wine = Invoke-WindowsLane -Root $root -PesterManifest (Get-Pester) }
        catch { Write-Warning "The Wine lane could not run: $($_.Exception.Message)"; $wine = @{ Passed = 0; Failed = 1 } }
    }
    . (Join-Path $root 'build/StaleEndpoints.ps1')
    Remove-StaleEndpoint -Since $Started
    # The slowest files first: where a run's time goes, and which file to look at when it grows.
    Write-Host 'Duration per test file:'
    if ($analysis.Count) { Write-Host ('{0,8:N1} s  Analyze ({1} checks{2})' -f $analyzeWatch.Elapsed.TotalSeconds, $analysis.Count, $(if ($analyzeFailed) { ", $analyzeFailed failed" })) }
    Write-Host ('{0,8:N1} s  xunit ({1} tests)' -f $unitSeconds, ($unitPassed + $unitFailed))
    foreach ($container in $pesterResult.Containers | Sort-Object Duration -Descending) {
        $failedHere = $container.FailedCount
        Write-Host ('{0,8:N1} s  {1}{2}' -f $container.Duration.TotalSeconds, (Split-Path $container.Item -Leaf), $(if ($failedHere) { " ($failedHere failed)" }))
    }
    $elapsed = (Get-Date) - $Started
    Write-Host ('The run took {0:%m}m{0:ss}s{1}' -f $elapsed, $(if ($Stress) { ' under -Stress' }))
    $passed = $analyzePassed + $unitPassed + $pesterResult.PassedCount + $r2r.Passed + $wine.Passed
    $failed = $analyzeFailed + $unitFailed + $pesterResult.FailedCount + $r2r.Failed + $wine.Failed
    Write-Host "Analyze: $analyzePassed passed, $analyzeFailed failed; xunit: $unitPassed passed, $unitFailed failed; Pester: $($pesterResult.PassedCount) passed, $($pesterResult.FailedCount) failed; Pester under the self-contained pwsh: $($r2r.Passed) passed, $($r2r.Failed) failed; Pester under Wine: $($wine.Passed) passed, $($wine.Failed) failed"
    Write-Output "$passed passed, $failed failed"
    $script:testsFailed = $failed
}

function Invoke-TestWindows {
    Invoke-Build
    $wine = Invoke-WindowsLane -Root $root -PesterManifest (Get-Pester) -Required
    Write-Output "$($wine.Passed) passed, $($wine.Failed) failed"
    if ($wine.Failed -gt 0) { exit 1 }
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
    if ($IsLinux) {
        # Again as users run it: under the self-contained ReadyToRun pwsh (its own section of the docs).
        $pwshR2R = Invoke-PwshR2RBuild -Root $root
        if ($pwshR2R) {
            & $pwshR2R -NoProfile -File (Join-Path $root 'bench/Invoke-Benchmarks.ps1') -ModulePath (Join-Path $root 'output/ProcCmdlets') -OutputDirectory (Join-Path $root 'output/bench/r2r') -DocsSection bench-r2r
        }
    }
}

function Invoke-Package {
    Invoke-Build
    $out = Join-Path $root 'output'
    # A code-signing certificate's thumbprint (Cert:\CurrentUser\My, Windows) signs what execution policies check.
    $signing = @{}
    if ($env:PROCCMDLETS_SIGNING_CERTIFICATE) { $signing.Certificate = Get-Item "Cert:\CurrentUser\My\$env:PROCCMDLETS_SIGNING_CERTIFICATE" }
    & (Join-Path $root 'build/New-ModulePackage.ps1') -ModuleDirectory $moduleDir -OutputDirectory $out @signing
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Analyze' {
        $analysis = @(Invoke-Analyze)
        $failedChecks = @($analysis | Where-Object { -not $_.Passed }).Count
        Write-Output "$($analysis.Count - $failedChecks) passed, $failedChecks failed"
        if ($failedChecks -gt 0) { exit 1 }
    }
    'Test' { Invoke-Test }
    'TestFast' { Invoke-Test -Fast }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'BuildPwsh' { $null = Invoke-PwshR2RBuild -Root $root }
    'TestWindows' { Invoke-TestWindows }
}
