<#
.SYNOPSIS
    k. Scale: a simulated pool of up to 1,020 workers on 30 hosts; the session's CPU per item (µs) and the scheduler's decisions per second.
.DESCRIPTION
    The simulation is the unit tests' (tests/unit/Pools/ScaleSimulation.cs): workers that are no
    processes, answering each frame at once on the session's writer thread, so that what is measured
    is the session's side of a pool, the real one (WorkerPool, ChunkScheduler, FrameRouter,
    WorkerSupervisor, MapResult, and each worker's WorkerClient with its threads). It runs in a fresh
    PowerShell process that loads the built test assembly, which holds the simulation and may use the
    module's internal types; the bench session has the module loaded, and a second copy of it there
    would clash. So the figures are those of the sources in this repository (the setup builds the
    test project), not of -ModulePath. Hosts: 34 workers at most on each (2, 16: one host; 64: 2;
    256: 8; 1,020: 30).
#>
param($Bench)

$items = if ($Bench.Quick) { 50000 } else { 200000 }
$counts = 2, 16, 64, 256, 1020

function Get-ScaleAssembly {
    Join-Path $Bench.RepositoryRoot 'tests/unit/bin/Release/net10.0/ProcCmdlets.Tests.dll'
}

$rows = foreach ($count in $counts) {
    $row = @{ Key = "W$count"; Name = "$count workers on $([math]::Ceiling($count / 34)) host(s)" }
    if ($count -eq 2) { $row.Baseline = $true } else { $row.Product = $true }
    $row
}

$build = {
    param($State)
    $project = Join-Path $State.Bench.RepositoryRoot 'tests/unit/ProcCmdlets.Tests.csproj'
    $output = & dotnet build $project -c Release -nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "The test project did not build: $($output -join [Environment]::NewLine)" }
}

# The issue's target: flat from 2 to 1,000 workers, within 3x either way on a shared machine.
$cpuRows = foreach ($row in $rows) {
    $copy = $row.Clone()
    if ($copy.Key -eq 'W1020') { $copy.Targets = @(@{ Text = '≤ 3x 2 workers'''; Against = 'W2'; Op = '<='; Ratio = 3 }) }
    $copy
}
$decisionRows = foreach ($row in $rows) {
    # The scheduler alone has no hosts: its workers are pool-side records over one simulated connection.
    $copy = $row.Clone()
    $copy.Name = "$($copy.Key.Substring(1)) workers"
    if ($copy.Key -eq 'W1020') { $copy.Targets = @(@{ Text = '≥ 0.33x 2 workers'''; Against = 'W2'; Op = '>='; Ratio = 0.33 }) }
    $copy
}

@{
    Id           = 'k1'
    Title        = 'Scale: session CPU per item'
    Description  = "A simulated pool (no processes) maps $items items with the scheduler's own chunk sizes; the figure is the session process's CPU time during the map divided by the items (µs; the simulated workers' share is a few frames' encoding). Flat would be ideal."
    Unit         = 'µs'
    Ratio        = 'Relative'
    Parameters   = @{ Items = $items; Counts = $counts; Assembly = (Get-ScaleAssembly); Bench = $Bench }
    Setup        = $build
    Rows         = $cpuRows
    Measurements = @(
        @{
            Keys = @($rows | ForEach-Object Key)
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Assembly, $State.Items, ($State.Counts -join ',') -ScriptBlock {
                    param([string] $Assembly, [int] $Items, [string] $Counts)
                    $ErrorActionPreference = 'Stop'
                    $null = [Reflection.Assembly]::LoadFrom($Assembly)
                    $figures = [ordered]@{}
                    foreach ($count in $Counts -split ',') {
                        $f = [ProcCmdlets.Tests.Pools.ScaleSimulation]::Run([int] $count, $Items)
                        [Console]::Error.WriteLine($f.ToString())
                        $figures["W$count"] = $f.CpuMicrosecondsPerItem
                    }
                    "BENCH_RESULT $($figures | ConvertTo-Json -Compress)"
                }
                $measured = @{}
                foreach ($property in $result.PSObject.Properties) { $measured[$property.Name] = $property.Value }
                $measured
            }
        }
    )
}

@{
    Id           = 'k2'
    Title        = 'Scale: scheduler decisions per second'
    Description  = 'The scheduler alone, in steady state: every worker holds two chunks, one finishes, and the scheduler finds it and gives it its next chunk (the fastest of many batches of 10 decisions, after a warm-up).'
    Unit         = 'decisions/s'
    Ratio        = 'Throughput'
    Parameters   = @{ Counts = $counts; Assembly = (Get-ScaleAssembly); Bench = $Bench }
    Setup        = $build
    Rows         = $decisionRows
    Measurements = @(
        @{
            Keys = @($rows | ForEach-Object Key)
            Run  = {
                param($State)
                $result = Invoke-FreshPwsh -ArgumentList $State.Assembly, ($State.Counts -join ',') -ScriptBlock {
                    param([string] $Assembly, [string] $Counts)
                    $ErrorActionPreference = 'Stop'
                    $null = [Reflection.Assembly]::LoadFrom($Assembly)
                    $figures = [ordered]@{}
                    foreach ($count in $Counts -split ',') {
                        $figures["W$count"] = [ProcCmdlets.Tests.Pools.ScaleSimulation]::SchedulerDecisionsPerSecond([int] $count, 0.25)
                    }
                    "BENCH_RESULT $($figures | ConvertTo-Json -Compress)"
                }
                $measured = @{}
                foreach ($property in $result.PSObject.Properties) { $measured[$property.Name] = $property.Value }
                $measured
            }
        }
    )
}
