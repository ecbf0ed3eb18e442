# Formatting and publishing of benchmark results: console tables, results.json, results.csv,
# docs/performance.svg and the generated section of docs/performance.md.
# Dot-sourced by Invoke-Benchmarks.ps1.

$script:Invariant = [Globalization.CultureInfo]::InvariantCulture

function Format-BenchNumber {
    param($Value, [string] $Unit)
    if ($null -eq $Value) { return 'n/a' }
    $format = switch ($Unit) {
        'items/s' { 'N0' }
        's' { if ($Value -lt 10) { 'N2' } else { 'N1' } }
        'ms' { if ($Value -lt 10) { 'N1' } else { 'N0' } }
        'MB' { 'N1' }
        default { 'G4' }
    }
    ([double] $Value).ToString($format, $script:Invariant)
}

function Format-BenchRatio {
    param($Ratio)
    if ($null -eq $Ratio -or [double]::IsNaN($Ratio) -or [double]::IsInfinity($Ratio)) { return '—' }
    $r = [double] $Ratio
    $text = if ($r -ge 100) { $r.ToString('N0', $script:Invariant) }
    elseif ($r -ge 10) { $r.ToString('N1', $script:Invariant) }
    elseif ($r -ge 0.1) { $r.ToString('N2', $script:Invariant) }
    else { $r.ToString('G2', $script:Invariant) }
    "${text}x"
}

function Get-BenchRatioNote {
    param([string] $Kind, [string] $Baseline)
    switch ($Kind) {
        'Throughput' { "Ratio = throughput ÷ throughput of ""$Baseline"" (higher is better)." }
        'Speedup' { "Ratio = time of ""$Baseline"" ÷ time: how many times faster (higher is better)." }
        'Relative' { "Ratio = value ÷ value of ""$Baseline"" (lower is better)." }
    }
}

function Get-BenchRatio {
    <# A row's figure relative to a reference figure, in the scenario's sense of ratio. #>
    param([string] $Kind, $Value, $Reference)
    if ($null -eq $Value -or $null -eq $Reference) { return $null }
    $v = [double] $Value
    $ref = [double] $Reference
    $ratio = switch ($Kind) {
        'Speedup' { if ($v -ne 0) { $ref / $v } }
        default { if ($ref -ne 0) { $v / $ref } }
    }
    if ($null -eq $ratio -or [double]::IsNaN($ratio) -or [double]::IsInfinity($ratio)) { return $null }
    $ratio
}

function Test-BenchTarget {
    param([double] $Actual, [string] $Op, [double] $Threshold)
    switch ($Op) {
        '>=' { $Actual -ge $Threshold }
        '>' { $Actual -gt $Threshold }
        '<=' { $Actual -le $Threshold }
        '<' { $Actual -lt $Threshold }
        default { throw "Unknown target operator '$Op'." }
    }
}

function Format-BenchMet {
    param($Met)
    if ($null -eq $Met) { 'n/a' } elseif ($Met) { 'yes' } else { 'no' }
}

function Write-BenchTable {
    <# Prints one scenario's table on the console. #>
    param([Parameter(Mandatory)] $Result)
    Write-Host ''
    Write-Host "$($Result.Id). $($Result.Title)" -ForegroundColor Cyan
    $medianHeader = "Median ($($Result.Unit))"
    $table = foreach ($row in $Result.Rows) {
        [pscustomobject][ordered]@{
            Method        = $row.Method
            $medianHeader = if ($row.Error) { 'error' } else { Format-BenchNumber $row.Median $Result.Unit }
            Ratio         = Format-BenchRatio $row.Ratio
            'Session CPU' = Format-BenchCpu $row
            Target        = $row.Target
            Met           = $row.Met
        }
    }
    $table | Format-Table -AutoSize -Wrap | Out-String -Width 240 | ForEach-Object { Write-Host $_.TrimEnd() }
    Write-Host $Result.RatioNote -ForegroundColor DarkGray
    foreach ($row in $Result.Rows | Where-Object Error) {
        Write-Host "  $($row.Method): $($row.Error)" -ForegroundColor Yellow
    }
}

function Format-BenchCpu {
    <# A row's session CPU time (median, seconds), or an empty cell when it was not measured. #>
    param($Row)
    if ($null -eq $Row.SessionCpu) { return '' }
    ([double] $Row.SessionCpu).ToString('0.00', $script:Invariant) + ' s'
}

function Export-BenchData {
    <# Writes results.json and results.csv. #>
    param([Parameter(Mandatory)] $Report, [Parameter(Mandatory)] [string] $Directory)
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $Report | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath (Join-Path $Directory 'results.json') -Encoding utf8

    $number = { param($v) if ($null -eq $v) { '' } else { ([double] $v).ToString('G6', $script:Invariant) } }
    $csv = foreach ($scenario in $Report.Scenarios) {
        foreach ($row in $scenario.Rows) {
            [pscustomobject][ordered]@{
                Scenario = $scenario.Id
                Title    = $scenario.Title
                Method   = $row.Method
                Baseline = $row.Baseline
                Unit     = $scenario.Unit
                Median   = & $number $row.Median
                Ratio    = & $number $row.Ratio
                FirstUse = $row.FirstUse
                SessionCpuSeconds = & $number $row.SessionCpu
                Target   = $row.Target
                Met      = $row.Met
                Runs     = ($row.Values | ForEach-Object { & $number $_ }) -join ';'
                Error    = $row.Error
            }
        }
    }
    $csv | Export-Csv -LiteralPath (Join-Path $Directory 'results.csv') -NoTypeInformation -Encoding utf8
}

function ConvertTo-XmlText {
    param([string] $Text)
    [Security.SecurityElement]::Escape($Text)
}

function Export-BenchChart {
    <#
    Renders a horizontal bar chart: one group per scenario, one bar per method, the bar being the
    ratio to the scenario's baseline on a logarithmic axis that starts at 1x (bars to the right are
    above the baseline, to the left below it).
    #>
    param([Parameter(Mandatory)] $Report, [Parameter(Mandatory)] [string] $Path)

    $width = 1080
    $labelRight = 390
    $plotLeft = 410
    $plotRight = 860
    $valueLeft = 872
    $rowHeight = 22
    $barHeight = 14

    $ratios = @(foreach ($scenario in $Report.Scenarios) {
            foreach ($row in $scenario.Rows) {
                if ($row.Ratio -gt 0) { $row.Ratio }
                foreach ($target in $row.Targets) { if ($target.ChartRatio -gt 0) { $target.ChartRatio } }
            }
        })
    $ratios += 1
    $lowDecade = [math]::Min(-1, [math]::Floor([math]::Log10(($ratios | Measure-Object -Minimum).Minimum)))
    $highDecade = [math]::Max(1, [math]::Ceiling([math]::Log10(($ratios | Measure-Object -Maximum).Maximum)))
    $x = {
        param([double] $ratio)
        $clamped = [math]::Min([math]::Max($ratio, [math]::Pow(10, $lowDecade)), [math]::Pow(10, $highDecade))
        $plotLeft + ([math]::Log10($clamped) - $lowDecade) / ($highDecade - $lowDecade) * ($plotRight - $plotLeft)
    }
    $f = { param([double] $v) $v.ToString('0.#', $script:Invariant) }

    $body = [Text.StringBuilder]::new()
    $machine = $Report.Machine
    $subtitle = "$($machine.Cores) cores, $($machine.OS), PowerShell $($machine.PowerShell), $($machine.Date); median of $($machine.Runs) run(s)$(if ($machine.Quick) { ', quick mode' })"
    $null = $body.AppendLine("<text x=""20"" y=""28"" font-size=""18"" font-weight=""bold"">ProcCmdlets benchmarks: ratio to each scenario's baseline</text>")
    $null = $body.AppendLine("<text x=""20"" y=""48"" fill=""#555"">$(ConvertTo-XmlText $subtitle)</text>")
    $legendY = 68
    $legend = @(
        @{ Color = '#31a354'; Text = 'ProcCmdlets, target met' }
        @{ Color = '#de2d26'; Text = 'ProcCmdlets, target missed' }
        @{ Color = '#9ecae1'; Text = 'other methods' }
    )
    $legendX = 20
    foreach ($item in $legend) {
        $null = $body.AppendLine("<rect x=""$legendX"" y=""$($legendY - 10)"" width=""12"" height=""12"" fill=""$($item.Color)""/><text x=""$($legendX + 17)"" y=""$legendY"">$($item.Text)</text>")
        $legendX += 200
    }
    $null = $body.AppendLine("<line x1=""$legendX"" y1=""$($legendY - 4)"" x2=""$($legendX + 14)"" y2=""$($legendY - 4)"" stroke=""#ff7f0e"" stroke-width=""2"" stroke-dasharray=""4,2""/><text x=""$($legendX + 19)"" y=""$legendY"">target (against the baseline)</text>")

    # Decade axis labels.
    $axisY = 96
    for ($d = $lowDecade; $d -le $highDecade; $d++) {
        $label = ([math]::Pow(10, $d)).ToString('G', $script:Invariant) + 'x'
        $null = $body.AppendLine("<text x=""$(& $f (& $x ([math]::Pow(10, $d))))"" y=""$axisY"" text-anchor=""middle"" fill=""#555"">$label</text>")
    }
    $null = $body.AppendLine("<text x=""$($labelRight - 20)"" y=""$axisY"" text-anchor=""end"" fill=""#555"">ratio to the baseline (log scale)</text>")
    $gridTop = $axisY + 6

    $y = $gridTop + 8
    $bars = [Text.StringBuilder]::new()
    foreach ($scenario in $Report.Scenarios) {
        $meaning = switch ($scenario.RatioKind) {
            'Throughput' { 'throughput ratio, higher is better' }
            'Speedup' { 'speed-up over the baseline, higher is better' }
            default { if ($scenario.Unit -eq 'MB') { 'memory ratio, lower is better' } else { 'time ratio, lower is better' } }
        }
        $y += 18
        $null = $bars.AppendLine("<text x=""20"" y=""$y"" font-weight=""bold"">$(ConvertTo-XmlText "$($scenario.Id). $($scenario.Title)")</text><text x=""$plotLeft"" y=""$y"" fill=""#555"">$(ConvertTo-XmlText $meaning)</text>")
        $y += 8
        foreach ($row in $scenario.Rows) {
            $top = $y
            $mid = $y + $rowHeight / 2
            $null = $bars.AppendLine("<text x=""$labelRight"" y=""$(& $f ($mid + 4))"" text-anchor=""end"">$(ConvertTo-XmlText $row.Method)</text>")
            if ($null -ne $row.Ratio -and $row.Ratio -le 0) {
                $null = $bars.AppendLine("<text x=""$valueLeft"" y=""$(& $f ($mid + 4))"">$(ConvertTo-XmlText (Format-BenchRatio $row.Ratio))</text>")
            } elseif ($null -ne $row.Ratio) {
                $color = if ($row.Product) {
                    if ($row.AllMet -eq $false) { '#de2d26' } elseif ($row.AllMet) { '#31a354' } else { '#9ecae1' }
                } elseif ($row.Baseline) { '#636363' } else { '#9ecae1' }
                $x1 = & $x 1
                $x2 = & $x $row.Ratio
                $left = [math]::Min($x1, $x2)
                $barWidth = [math]::Max([math]::Abs($x2 - $x1), 2)
                if ($row.Baseline) { $left = $x1 - 1 }
                $null = $bars.AppendLine("<rect x=""$(& $f $left)"" y=""$(& $f ($mid - $barHeight / 2))"" width=""$(& $f $barWidth)"" height=""$barHeight"" fill=""$color""/>")
                $valueText = if ($row.Baseline) { "1x = $(Format-BenchNumber $row.Median $scenario.Unit) $($scenario.Unit)" } else { Format-BenchRatio $row.Ratio }
                $null = $bars.AppendLine("<text x=""$valueLeft"" y=""$(& $f ($mid + 4))"">$(ConvertTo-XmlText $valueText)</text>")
            } else {
                $null = $bars.AppendLine("<text x=""$valueLeft"" y=""$(& $f ($mid + 4))"" fill=""#999"">n/a</text>")
            }
            foreach ($target in $row.Targets) {
                if ($target.ChartRatio -gt 0) {
                    $tx = & $f (& $x $target.ChartRatio)
                    $null = $bars.AppendLine("<line x1=""$tx"" y1=""$($top + 1)"" x2=""$tx"" y2=""$($top + $rowHeight - 1)"" stroke=""#ff7f0e"" stroke-width=""2"" stroke-dasharray=""4,2""/>")
                }
            }
            $y += $rowHeight
        }
        $y += 6
    }
    $height = $y + 16

    # Decade grid lines behind the bars; the 1x line is darker.
    for ($d = $lowDecade; $d -le $highDecade; $d++) {
        $gx = & $f (& $x ([math]::Pow(10, $d)))
        $stroke = if ($d -eq 0) { '#444' } else { '#ddd' }
        $null = $body.AppendLine("<line x1=""$gx"" y1=""$gridTop"" x2=""$gx"" y2=""$($height - 10)"" stroke=""$stroke"" stroke-width=""1""/>")
    }
    $null = $body.Append($bars.ToString())

    $svg = @"
<svg xmlns="http://www.w3.org/2000/svg" width="$width" height="$height" viewBox="0 0 $width $height" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12" fill="#222">
<rect x="0" y="0" width="$width" height="$height" fill="#fff"/>
$($body.ToString())</svg>
"@
    $directory = Split-Path $Path -Parent
    if ($directory) { $null = New-Item -ItemType Directory -Path $directory -Force }
    Set-Content -LiteralPath $Path -Value ($svg -replace "`r`n", "`n") -Encoding utf8 -NoNewline
}

function ConvertTo-BenchMarkdown {
    <# The generated section of docs/performance.md (without the markers). #>
    param([Parameter(Mandatory)] $Report, [string] $ChartFile = 'performance.svg')
    $cell = { param($text) ([string] $text) -replace '\|', '\|' }
    $machine = $Report.Machine
    $targets = @($Report.Scenarios.Rows.Targets | Where-Object { $_ })
    $met = @($targets | Where-Object { $_.Met -eq $true }).Count
    $all = $targets.Count
    $minutes = [math]::Floor($machine.DurationSeconds / 60)
    $seconds = [math]::Round($machine.DurationSeconds % 60)

    $lines = [Collections.Generic.List[string]]::new()
    $lines.Add('_This section is generated by `bench/Invoke-Benchmarks.ps1`; edits between the markers are overwritten._')
    $lines.Add('')
    $lines.Add("- Date: $($machine.Date)")
    $lines.Add("- Machine: $($machine.Cores) logical cores$(if ($machine.Processor) { " ($($machine.Processor))" }), $($machine.OS), $($machine.Architecture)")
    $lines.Add("- PowerShell $($machine.PowerShell) on $($machine.DotNet); ProcCmdlets $($machine.Module); Python $(if ($machine.Python) { $machine.Python } else { 'not found (Python rows skipped)' })")
    $lines.Add("- Each figure is the median of $($machine.Runs) run(s)$(if ($machine.Quick) { ' in quick mode (smaller workloads; not comparable with a full run)' }); the whole run took $minutes min $seconds s.")
    if ($null -ne $machine.LoadAverage) {
        $lines.Add("- One-minute load average when the run started: $($machine.LoadAverage) (later the suite's own processes dominate it).")
    }
    $lines.Add('- Reproduce: `dotnet tool restore; dotnet pwsh ./build.ps1 -Task Bench`')
    $lines.Add('')
    $lines.Add("Targets met: **$met of $all**.")
    foreach ($scenario in $Report.Scenarios) {
        $lines.Add('')
        $lines.Add("### $($scenario.Id). $($scenario.Title)")
        $lines.Add('')
        $lines.Add($scenario.Description)
        $lines.Add('')
        $lines.Add("| Method | Use | Median ($($scenario.Unit)) | Ratio | Session CPU | Target | Met |")
        $lines.Add('| --- | --- | ---: | ---: | ---: | --- | --- |')
        foreach ($row in $scenario.Rows) {
            $median = if ($row.Error) { 'error' } else { Format-BenchNumber $row.Median $scenario.Unit }
            $method = if ($row.Baseline) { "$($row.Method), baseline" } else { $row.Method }
            $metText = ($row.Met -split '; ' | ForEach-Object { if ($_ -eq 'no') { '**no**' } else { $_ } }) -join '; '
            $use = if ($row.FirstUse) { 'first (fresh process)' } else { 'steady' }
            $lines.Add("| $(& $cell $method) | $use | $median | $(Format-BenchRatio $row.Ratio) | $(Format-BenchCpu $row) | $(& $cell $row.Target) | $metText |")
        }
        $lines.Add('')
        $lines.Add($scenario.RatioNote)
        foreach ($row in $scenario.Rows | Where-Object Error) {
            $lines.Add('')
            $lines.Add("> $($row.Method) failed: $(& $cell ($row.Error -replace '\s+', ' '))")
        }
        if ($scenario.Leftovers) {
            $lines.Add('')
            $lines.Add("> This scenario left $(@($scenario.Leftovers).Count) process(es) behind; they were killed.")
        }
    }
    $lines.Add('')
    $lines.Add("![chart]($ChartFile)")
    $lines -join "`n"
}

function Update-BenchDocument {
    <# Replaces the text between <!-- bench:begin --> and <!-- bench:end --> (creating the file if needed). #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Section, [string] $Marker = 'bench')
    $begin = "<!-- ${Marker}:begin -->"
    $end = "<!-- ${Marker}:end -->"
    if (Test-Path -LiteralPath $Path) {
        $text = (Get-Content -LiteralPath $Path -Raw) -replace "`r`n", "`n"
    } else {
        $text = "# Performance`n`nRun ``dotnet tool restore; dotnet pwsh ./build.ps1 -Task Bench``.`n`n## Results`n`n$begin`n$end`n"
    }
    $start = $text.IndexOf($begin)
    $stop = $text.IndexOf($end)
    if ($start -lt 0 -or $stop -lt $start) {
        $text = $text.TrimEnd() + "`n`n## Results`n`n$begin`n$end`n"
        $start = $text.IndexOf($begin)
        $stop = $text.IndexOf($end)
    }
    $updated = $text.Substring(0, $start + $begin.Length) + "`n" + $Section.TrimEnd() + "`n" + $text.Substring($stop)
    Set-Content -LiteralPath $Path -Value $updated -Encoding utf8 -NoNewline
}
