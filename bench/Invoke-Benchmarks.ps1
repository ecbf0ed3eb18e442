#Requires -Version 7.0
<#
.SYNOPSIS
    Runs the ProcCmdlets benchmarks and publishes the results.
.DESCRIPTION
    Runs every scenario in bench/scenarios (in file-name order), each figure being the median of
    -Runs runs, prints one table per scenario and writes:
      <OutputDirectory>/results.json and results.csv   all figures, including every run's value
      docs/performance.svg                             a bar chart of the ratios
      docs/performance.md                              the section between <!-- bench:begin --> and <!-- bench:end -->

    A scenario file takes -Bench (the run's context: ModulePath, Quick, Python, ...) and returns
    one or more scenario definitions, hashtables with:
      Id, Title, Description, Unit ('items/s', 's', 'ms' or 'MB')
      Ratio         how a row compares with the baseline row: 'Throughput' (value ÷ baseline),
                    'Speedup' (baseline ÷ value, for times) or 'Relative' (value ÷ baseline, lower is better)
      Parameters    a hashtable copied into $State, the hashtable every script block below receives
      Setup, Cleanup  optional script blocks, run once before the first and after the last run
      Rows          @{ Key; Name; Baseline; Product; Python; Targets } in display order; a target is
                    @{ Text; Op; Value } (on the row's median) or @{ Text; Op; Ratio; Against = <Key> }
      Measurements  @{ Keys; Run; Warmup } in run order; Run returns the figure (or a hashtable
                    Key → figure when it measures several rows at once, where "<Key>#cpu" gives the
                    session's CPU seconds during that row's timed part); with Warmup = $true it is
                    also run once, untimed, before the first run. First-use rows (a fresh session, a
                    new pool, its first map) run in fresh processes and never have a warm-up
    Measurements are interleaved (every measurement once per run) so that a slow drift of the
    machine affects every row alike. A measurement that fails is reported and not repeated.
.PARAMETER ModulePath
    The built module: the folder holding the version folder (output/ProcCmdlets) or a manifest.
.PARAMETER Runs
    Runs per figure; the median is reported.
.PARAMETER Quick
    Smaller workloads, for trying the suite out; the figures are not comparable with a full run.
.PARAMETER OutputDirectory
    Where results.json and results.csv are written.
.PARAMETER Scenario
    Runs only these scenario ids (a, b, c, d1, d2, d3, e, f, g1-g4, h1-h2, i1-i3, j). The docs are then left alone.
.PARAMETER NoDocs
    Leaves docs/performance.md and docs/performance.svg alone.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Bench
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmarks.ps1 -Runs 1 -Quick -Scenario a,c
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [string] $ModulePath,

    [ValidateRange(1, 99)]
    [int] $Runs = 3,

    [switch] $Quick,

    [string] $OutputDirectory,

    [string[]] $Scenario,

    [switch] $NoDocs,

    # Which generated section of docs/performance.md (and which chart) this run writes: 'bench' for
    # the session's pwsh, 'bench-r2r' when run under the self-contained ReadyToRun pwsh.
    [ValidateSet('bench', 'bench-r2r')]
    [string] $DocsSection = 'bench'
)

$ErrorActionPreference = 'Stop'
$repositoryRoot = Split-Path $PSScriptRoot -Parent
if (-not $ModulePath) { $ModulePath = Join-Path $repositoryRoot 'output/ProcCmdlets' }
if (-not $OutputDirectory) { $OutputDirectory = Join-Path $repositoryRoot 'output/bench' }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
# `-Scenario a,c` from a shell arrives as one string.
$Scenario = @($Scenario | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })

. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
. (Join-Path $PSScriptRoot 'BenchReport.ps1')
. (Join-Path $PSScriptRoot '../build/StaleEndpoints.ps1')

function Invoke-BenchScenario {
    param([Parameter(Mandatory)] [hashtable] $Definition, [int] $Runs)

    $python = $script:BenchContext.Python
    $rows = @($Definition.Rows | Where-Object { $python -or -not $_.Python })
    $rowKeys = @($rows.Key)
    $measurements = @($Definition.Measurements | Where-Object { @(@($_.Keys) | Where-Object { $_ -in $rowKeys }).Count -gt 0 })
    $values = @{}
    $cpuValues = @{}
    foreach ($key in $rowKeys) { $values[$key] = [Collections.Generic.List[double]]::new(); $cpuValues[$key] = [Collections.Generic.List[double]]::new() }
    $errors = @{}
    $state = @{ Bench = $script:BenchContext }
    foreach ($entry in $Definition.Parameters.GetEnumerator()) { $state[$entry.Key] = $entry.Value }

    Write-Host ''
    Write-Host "== $($Definition.Id). $($Definition.Title) ==" -ForegroundColor Cyan
    $leftovers = @()
    $scenarioStarted = Get-Date
    try {
        if ($Definition.Setup) { $null = & $Definition.Setup $state }
        foreach ($measurement in $measurements | Where-Object { $_.Warmup }) {
            # One untimed run first, so that the timed runs do not pay for compiling the code path.
            try {
                $null = & $measurement.Run $state
                Write-Host "  warm-up $(@($measurement.Keys) -join ', ')"
            } catch {
                foreach ($key in @($measurement.Keys)) { $errors[$key] = $_.Exception.Message }
                Write-Warning "$($Definition.Id) $(@($measurement.Keys) -join ', ') (warm-up): $($_.Exception.Message)"
            }
        }
        for ($run = 1; $run -le $Runs; $run++) {
            foreach ($measurement in $measurements) {
                $keys = @($measurement.Keys | Where-Object { $_ -in $rowKeys })
                if (@($keys | Where-Object { $errors.ContainsKey($_) }).Count) { continue }
                [GC]::Collect()
                [GC]::WaitForPendingFinalizers()
                # A moment of quiet, the same before every measurement, so that what the previous one
                # left running (processes exiting, .NET recompiling hot code in the background) does
                # not land in this one.
                Start-Sleep -Milliseconds 1000
                $alive = @(Get-BenchLeftover | ForEach-Object Id)
                try {
                    $output = @(& $measurement.Run $state)
                    Wait-BenchSettled -Keep $alive
                    $figure = if ($output.Count) { $output[-1] } else { $null }
                    $measured = if ($figure -is [System.Collections.IDictionary]) { $figure } else { @{ $keys[0] = $figure } }
                    foreach ($key in $keys) {
                        if ($null -eq $measured[$key]) { throw "the measurement gave no figure for '$key'" }
                        $values[$key].Add([double] $measured[$key])
                        if ($null -ne $measured["$key#cpu"]) { $cpuValues[$key].Add([double] $measured["$key#cpu"]) }
                    }
                    $shown = foreach ($key in $keys) { "$key $(Format-BenchNumber $measured[$key] $Definition.Unit) $($Definition.Unit)" }
                    Write-Host "  run $run/$Runs  $($shown -join ', ')"
                } catch {
                    foreach ($key in $keys) { $errors[$key] = $_.Exception.Message }
                    Write-Warning "$($Definition.Id) $($keys -join ', '): $($_.Exception.Message)"
                }
            }
        }
    } catch {
        foreach ($key in $rowKeys) { if (-not $values[$key].Count) { $errors[$key] = "setup failed: $($_.Exception.Message)" } }
        Write-Warning "$($Definition.Id) setup: $($_.Exception.Message)"
    } finally {
        if ($Definition.Cleanup) {
            try { $null = & $Definition.Cleanup $state } catch { Write-Warning "$($Definition.Id) cleanup: $($_.Exception.Message)" }
        }
        $leftovers = @(Wait-BenchNoLeftover -Scenario $Definition.Id)
        Remove-StaleEndpoint -Since $scenarioStarted
    }

    # Medians, ratios and targets.
    $medians = @{}
    foreach ($key in $rowKeys) { $medians[$key] = Get-BenchMedian $values[$key].ToArray() }
    $baseline = $rows | Where-Object { $_.Baseline } | Select-Object -First 1
    $resultRows = foreach ($row in $rows) {
        $median = $medians[$row.Key]
        $targets = @(foreach ($target in $row.Targets) {
                if ($target.ContainsKey('Value')) {
                    $actual = $median
                    $threshold = $target.Value
                } else {
                    $actual = Get-BenchRatio -Kind $Definition.Ratio -Value $median -Reference $medians[$target.Against]
                    $threshold = $target.Ratio
                }
                $againstBaseline = $target.Against -and $target.Against -eq $baseline.Key
                $text = $target.Text
                if ($target.Against -and -not $againstBaseline -and $null -ne $actual) { $text += " (is $(Format-BenchRatio $actual))" }
                [pscustomobject][ordered]@{
                    Text       = $text
                    Op         = $target.Op
                    Threshold  = $threshold
                    Against    = $target.Against
                    Actual     = $actual
                    Met        = if ($null -eq $actual) { $null } else { [bool] (Test-BenchTarget $actual $target.Op $threshold) }
                    ChartRatio = if ($againstBaseline) { $threshold } else { $null }
                }
            })
        $allMet = if (-not $targets.Count -or @($targets | Where-Object { $null -eq $_.Met }).Count) { $null } else { -not @($targets | Where-Object { -not $_.Met }).Count }
        [pscustomobject][ordered]@{
            Key      = $row.Key
            Method   = $row.Name
            Baseline = [bool] $row.Baseline
            Product  = [bool] $row.Product
            Median   = $median
            Values   = $values[$row.Key].ToArray()
            FirstUse = [bool] ($row.FirstUse -or $Definition.FirstUse)
            SessionCpu = Get-BenchMedian $cpuValues[$row.Key].ToArray()
            Ratio    = Get-BenchRatio -Kind $Definition.Ratio -Value $median -Reference $medians[$baseline.Key]
            Target   = ($targets.Text -join '; ')
            Met      = (@($targets | ForEach-Object { Format-BenchMet $_.Met }) -join '; ')
            AllMet   = $allMet
            Targets  = $targets
            Error    = $errors[$row.Key]
        }
    }

    $result = [pscustomobject][ordered]@{
        Id          = $Definition.Id
        Title       = $Definition.Title
        Description = $Definition.Description
        Unit        = $Definition.Unit
        RatioKind   = $Definition.Ratio
        RatioNote   = Get-BenchRatioNote -Kind $Definition.Ratio -Baseline $baseline.Name
        Baseline    = $baseline.Name
        Rows        = @($resultRows)
        Leftovers   = $leftovers
    }
    Write-BenchTable -Result $result
    $result
}

function Get-BenchLoadAverage {
    <# The one-minute load average where the OS reports it (Linux), else $null. #>
    if ($IsLinux -and (Test-Path /proc/loadavg)) {
        return [double]::Parse((Get-Content /proc/loadavg -Raw).Split(' ')[0], [Globalization.CultureInfo]::InvariantCulture)
    }
    $null
}

function Get-BenchProcessorName {
    if ($IsLinux -and (Test-Path /proc/cpuinfo)) {
        $line = Select-String -LiteralPath /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1
        if ($line) { return $line.Matches[0].Groups[1].Value.Trim() }
    }
    if ($IsWindows) { return $env:PROCESSOR_IDENTIFIER }
    if ($IsMacOS) { return (& sysctl -n machdep.cpu.brand_string 2>$null) }
    $null
}

# --- Run --------------------------------------------------------------------------------------

$clock = [Diagnostics.Stopwatch]::StartNew()
$loadAtStart = Get-BenchLoadAverage
if ($loadAtStart -gt [Environment]::ProcessorCount / 2) {
    Write-Warning "The machine is busy (load average $loadAtStart on $([Environment]::ProcessorCount) cores): the figures will be noisy."
}
$tag = [guid]::NewGuid().ToString('n')
$tempDirectory = Join-Path ([IO.Path]::GetTempPath()) "proccmdlets-bench-$tag"
$null = New-Item -ItemType Directory -Path $tempDirectory
$script:BenchContext = [pscustomobject]@{
    RepositoryRoot = $repositoryRoot
    ModulePath     = $ModulePath
    Quick          = [bool] $Quick
    Python         = Find-BenchPython
    PwshHost       = Get-BenchPwshHost
    TempDirectory  = $tempDirectory
    Tag            = $tag
}
# Every process this run starts inherits the tag, which is how processes left behind are found.
$previousTag = $env:PROCCMDLETS_BENCH_TAG
$env:PROCCMDLETS_BENCH_TAG = $tag
$moduleWasLoaded = [bool] (Get-Module ProcCmdlets)

try {
    Import-Module $ModulePath
    $module = Get-Module ProcCmdlets
    Write-Host "ProcCmdlets $($module.Version) from $($module.ModuleBase)"
    Write-Host "Fresh sessions: $($script:BenchContext.PwshHost.FileName) $($script:BenchContext.PwshHost.Prefix)"
    if ($script:BenchContext.Python) {
        Write-Host "Python $($script:BenchContext.Python.Version): $($script:BenchContext.Python.Path)"
    } else {
        Write-Warning 'python3 was not found: the Python rows are skipped.'
    }
    Write-Host "$Runs run(s) per figure$(if ($Quick) { ', quick mode' })"

    $results = foreach ($file in Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'scenarios') -Filter '*.ps1' | Sort-Object Name) {
        foreach ($definition in & $file.FullName -Bench $script:BenchContext) {
            if ($Scenario -and $definition.Id -notin $Scenario -and $definition.Id.Substring(0, 1) -notin $Scenario) { continue }
            Invoke-BenchScenario -Definition $definition -Runs $Runs
        }
    }
} finally {
    if (-not $moduleWasLoaded) { Remove-Module ProcCmdlets -ErrorAction SilentlyContinue }
    $env:PROCCMDLETS_BENCH_TAG = $previousTag
    Remove-Item -LiteralPath $tempDirectory -Recurse -Force -ErrorAction SilentlyContinue
}
$clock.Stop()

$report = [pscustomobject][ordered]@{
    Machine   = [pscustomobject][ordered]@{
        Date            = (Get-Date).ToString('yyyy-MM-dd')
        Timestamp       = (Get-Date).ToString('o')
        Cores           = [Environment]::ProcessorCount
        Processor       = Get-BenchProcessorName
        OS              = $PSVersionTable.OS
        Architecture    = [string] [Runtime.InteropServices.RuntimeInformation]::OSArchitecture
        PowerShell      = $PSVersionTable.PSVersion.ToString()
        DotNet          = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        Module          = [string] $module.Version
        Python          = $script:BenchContext.Python.Version
        LoadAverage     = $loadAtStart
        Runs            = $Runs
        Quick           = [bool] $Quick
        DurationSeconds = [math]::Round($clock.Elapsed.TotalSeconds, 1)
    }
    Scenarios = @($results)
}

Export-BenchData -Report $report -Directory $OutputDirectory
Write-Host ''
Write-Host "Results: $(Join-Path $OutputDirectory 'results.json'), $(Join-Path $OutputDirectory 'results.csv')"
if ($NoDocs -or $Scenario) {
    if ($Scenario) { Write-Host 'Docs left alone (only some scenarios ran).' }
} else {
    $docs = Join-Path $repositoryRoot 'docs'
    $chart = if ($DocsSection -eq 'bench') { 'performance.svg' } else { 'performance-r2r.svg' }
    Export-BenchChart -Report $report -Path (Join-Path $docs $chart)
    Update-BenchDocument -Path (Join-Path $docs 'performance.md') -Section (ConvertTo-BenchMarkdown -Report $report -ChartFile $chart) -Marker $DocsSection
    Write-Host "Docs: $(Join-Path $docs 'performance.md'), $(Join-Path $docs $chart)"
}

$targets = @($report.Scenarios.Rows.Targets | Where-Object { $_ })
$met = @($targets | Where-Object { $_.Met -eq $true }).Count
Write-Host ("Targets met: {0} of {1}. The run took {2:N0} s." -f $met, $targets.Count, $clock.Elapsed.TotalSeconds)
