#Requires -Version 5.1
<#
.SYNOPSIS
    Compiles the module's markdown help (docs/*.md, in the platyPS layout) into the files that
    Get-Help reads: a MAML file for the cmdlets and a plain-text about topic.

.DESCRIPTION
    ConvertTo-MamlHelp    docs/<Cmdlet>.md files -> ProcCmdlets.dll-Help.xml
    ConvertTo-AboutHelp   docs/about_<Topic>.md  -> about_<Topic>.help.txt

    Pure PowerShell, no external modules. The cmdlet markdown layout is the one platyPS writes:

        # <Cmdlet-Name>
        ## SYNOPSIS
        ## SYNTAX          (### <ParameterSet> headings, each with a fenced syntax block)
        ## DESCRIPTION
        ## EXAMPLES        (### Example N: title, fenced code, then remarks)
        ## PARAMETERS      (### -Name, description, then a ```yaml block per parameter set)
        ## INPUTS          (### <Type>, description)
        ## OUTPUTS         (### <Type>, description)
        ## NOTES
        ## RELATED LINKS   ([text](uri) links)
#>

Set-StrictMode -Version 3.0

# Conventions: helpers that produce sections, blocks, paragraphs or help entries write them to the
# pipeline one by one, and callers collect them with @(...); helpers that produce the lines of one
# piece of text return them as a single string array.

$script:MamlNamespace = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

# Cmdlet help pages are named like a command, Verb-Noun.md with capitals; lower-case pages such as
# protocol-backpressure.md are other documents.
$script:CommandFilePattern = '^[A-Z][A-Za-z]+-[A-Z][A-Za-z0-9]+\.md$'
$script:FencePattern = '^\s{0,3}(`{3,}|~{3,})\s*([\w.+-]*)'
$script:ListItemPattern = '^(\s*)([-*+]|\d+[.)])\s+(.*)$'

#region Markdown reading

# Reads a markdown file as lines, without a leading YAML front-matter block.
function Read-MarkdownFile {
    param([Parameter(Mandatory)] [string] $Path)

    $lines = [System.IO.File]::ReadAllText($Path) -split '\r?\n'
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i].Trim() -eq '---') {
                return , [string[]]($lines | Select-Object -Skip ($i + 1))
            }
        }
    }

    return , [string[]]$lines
}

# Splits lines at headings of one level ('## ' for 2), ignoring '#' lines inside fenced code.
# Returns objects with Heading ($null for the text before the first heading) and Lines.
function Split-MarkdownSection {
    param(
        [AllowEmptyCollection()] [string[]] $Lines,
        [Parameter(Mandatory)] [int] $Level
    )

    $prefix = ('#' * $Level) + ' '
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Heading = $null; Lines = [System.Collections.Generic.List[string]]::new() }
    $sections.Add($current)
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match $script:FencePattern) {
            $inFence = -not $inFence
        }
        elseif (-not $inFence -and $line.StartsWith($prefix)) {
            $current = [pscustomobject]@{
                Heading = $line.Substring($prefix.Length).Trim()
                Lines   = [System.Collections.Generic.List[string]]::new()
            }
            $sections.Add($current)
            continue
        }

        $current.Lines.Add($line)
    }

    $sections.ToArray()
}

# Turns markdown lines into blocks: Paragraph (Text), List (Items with Indent, Marker, Text),
# Code (Language, Lines), Table (Rows of cells; the header is the first row) and Heading.
function ConvertTo-MarkdownBlock {
    param([AllowEmptyCollection()] [string[]] $Lines)

    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = $null
    $list = $null
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]

        if ($line -match $script:FencePattern) {
            $paragraph = $null; $list = $null
            $fence = $Matches[1]
            $language = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and -not $Lines[$i].TrimStart().StartsWith($fence)) {
                $code.Add($Lines[$i])
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Language = $language; Lines = $code.ToArray() })
            $i++
            continue
        }

        if ($line.Trim() -eq '') {
            $paragraph = $null; $list = $null
            $i++
            continue
        }

        if ($line -match '^(#{1,6})\s+(.*)$') {
            $paragraph = $null; $list = $null
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = $Matches[2].Trim() })
            $i++
            continue
        }

        if ($line.TrimStart().StartsWith('|')) {
            $paragraph = $null; $list = $null
            $rows = [System.Collections.Generic.List[object]]::new()
            while ($i -lt $Lines.Count -and $Lines[$i].TrimStart().StartsWith('|')) {
                $row = $Lines[$i].Trim()
                if ($row -notmatch '^\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$') {
                    $rows.Add((Split-TableRow $row))
                }
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Table'; Rows = $rows.ToArray() })
            continue
        }

        if ($line -match $script:ListItemPattern) {
            $paragraph = $null
            if ($null -eq $list) {
                $list = [pscustomobject]@{ Kind = 'List'; Items = [System.Collections.Generic.List[object]]::new() }
                $blocks.Add($list)
            }
            $list.Items.Add([pscustomobject]@{ Indent = $Matches[1].Length; Marker = $Matches[2]; Text = $Matches[3].Trim() })
            $i++
            continue
        }

        if ($null -ne $list) {
            # A continuation line of the last list item.
            $item = $list.Items[$list.Items.Count - 1]
            $item.Text = $item.Text + ' ' + $line.Trim()
        }
        elseif ($null -ne $paragraph) {
            $paragraph.Text = $paragraph.Text + ' ' + $line.Trim()
        }
        else {
            $paragraph = [pscustomobject]@{ Kind = 'Paragraph'; Text = $line.Trim() }
            $blocks.Add($paragraph)
        }
        $i++
    }

    $blocks.ToArray()
}

function Split-TableRow {
    param([string] $Row)

    $Row = $Row.Trim()
    if ($Row.StartsWith('|')) { $Row = $Row.Substring(1) }
    if ($Row.EndsWith('|') -and -not $Row.EndsWith('\|')) { $Row = $Row.Substring(0, $Row.Length - 1) }
    $cells = [regex]::Split($Row, '(?<!\\)\|') | ForEach-Object { ConvertFrom-MarkdownInline $_.Trim() }
    return , [string[]]$cells
}

# Plain text of inline markdown: code spans, emphasis, links and escapes.
function ConvertFrom-MarkdownInline {
    param([AllowEmptyString()] [string] $Text)

    if ([string]::IsNullOrEmpty($Text)) { return '' }

    # Links: [text](uri). A relative link (another help file) keeps its text only.
    $Text = [regex]::Replace($Text, '!?\[([^\]]*)\]\(([^)\s]*)\)', {
            param($m)
            $label = $m.Groups[1].Value
            $uri = $m.Groups[2].Value
            if ($uri -match '^[a-z][a-z0-9+.-]*://' -and $label -ne $uri) { "$label ($uri)" } else { $label }
        })
    # Code spans: ``code`` and `code`.
    $Text = [regex]::Replace($Text, '``\s?(.+?)\s?``', '$1')
    $Text = [regex]::Replace($Text, '`([^`]+)`', '$1')
    # Strong emphasis. Single '*' is left alone: in this help it is mostly a wildcard.
    $Text = [regex]::Replace($Text, '\*\*(.+?)\*\*', '$1')
    $Text = [regex]::Replace($Text, '(?<![\w])__(.+?)__(?![\w])', '$1')
    # Backslash escapes.
    $Text = [regex]::Replace($Text, '\\([\\`*_{}\[\]()#+\-.!|<>])', '$1')
    return $Text
}

# Parses the 'Key: Value' lines of a parameter's yaml block into a case-insensitive hashtable.
function ConvertFrom-ParameterYaml {
    param([string[]] $Lines)

    $values = @{}
    foreach ($line in $Lines) {
        if ($line -match '^\s*([^:#][^:]*):\s*(.*)$') {
            $values[$Matches[1].Trim()] = $Matches[2].Trim()
        }
    }
    return $values
}

#endregion

#region Plain text layout

# Wraps text to a width. The first line starts with $FirstIndent, the others with $Indent.
function Format-WrappedText {
    param(
        [AllowEmptyString()] [string] $Text,
        [int] $Width,
        [string] $Indent = '',
        [string] $FirstIndent = $Indent
    )

    $lines = [System.Collections.Generic.List[string]]::new()
    $line = $FirstIndent
    $lineHasWord = $false
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ -ne '' })) {
        if ($lineHasWord -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($line)
            $line = $Indent
            $lineHasWord = $false
        }
        $line = if ($lineHasWord) { $line + ' ' + $word } else { $line + $word }
        $lineHasWord = $true
    }
    $lines.Add($line)
    return , $lines.ToArray()
}

# Lays a table out in columns that fit the width, wrapping cells where needed. When any cell
# wraps, a blank line separates the rows.
function Format-TextTable {
    param(
        [object[]] $Rows,
        [int] $Width,
        [string] $Indent = ''
    )

    $gap = '  '
    $columnCount = ($Rows | ForEach-Object { $_.Count } | Measure-Object -Maximum).Maximum
    $natural = [int[]]::new($columnCount)
    $minimum = [int[]]::new($columnCount)
    foreach ($row in $Rows) {
        for ($c = 0; $c -lt $row.Count; $c++) {
            $natural[$c] = [Math]::Max($natural[$c], $row[$c].Length)
            $longestWord = [int](($row[$c] -split '\s+' | ForEach-Object { $_.Length } | Measure-Object -Maximum).Maximum)
            $minimum[$c] = [Math]::Max($minimum[$c], [Math]::Min($longestWord, 24))
        }
    }

    # Narrow the widest column that can still give up space until the table fits.
    $available = $Width - $Indent.Length - ($gap.Length * ($columnCount - 1))
    $widths = [int[]]$natural.Clone()
    while (($widths | Measure-Object -Sum).Sum -gt $available) {
        $widest = -1
        for ($c = 0; $c -lt $columnCount; $c++) {
            if ($widths[$c] -gt $minimum[$c] -and ($widest -lt 0 -or $widths[$c] -gt $widths[$widest])) { $widest = $c }
        }
        if ($widest -lt 0) { break }
        $widths[$widest]--
    }

    # Each row becomes a list of cells, each cell a list of lines.
    $rendered = [System.Collections.Generic.List[object]]::new()
    $anyWrapped = $false
    foreach ($row in $Rows) {
        $cells = [System.Collections.Generic.List[object]]::new()
        $height = 1
        for ($c = 0; $c -lt $columnCount; $c++) {
            $text = if ($c -lt $row.Count) { $row[$c] } else { '' }
            $lines = Split-TextToWidth -Text $text -Width $widths[$c]
            $cells.Add($lines)
            $height = [Math]::Max($height, $lines.Count)
        }
        if ($height -gt 1) { $anyWrapped = $true }
        $rendered.Add([pscustomobject]@{ Cells = $cells; Height = $height })
    }

    $output = [System.Collections.Generic.List[string]]::new()
    for ($r = 0; $r -lt $rendered.Count; $r++) {
        if ($r -gt 1 -and $anyWrapped) { $output.Add('') }
        for ($l = 0; $l -lt $rendered[$r].Height; $l++) {
            $parts = for ($c = 0; $c -lt $columnCount; $c++) {
                $cell = $rendered[$r].Cells[$c]
                $text = if ($l -lt $cell.Count) { $cell[$l] } else { '' }
                $text.PadRight($widths[$c])
            }
            $output.Add(($Indent + ($parts -join $gap)).TrimEnd())
        }
        if ($r -eq 0) {
            $output.Add(($Indent + (($widths | ForEach-Object { '-' * $_ }) -join $gap)).TrimEnd())
        }
    }

    return , $output.ToArray()
}

# Wraps one table cell to a width, splitting words that are longer than the width.
function Split-TextToWidth {
    param([AllowEmptyString()] [string] $Text, [int] $Width)

    $Width = [Math]::Max(1, $Width)
    $lines = [System.Collections.Generic.List[string]]::new()
    foreach ($line in (Format-WrappedText -Text $Text -Width $Width)) {
        $rest = $line
        while ($rest.Length -gt $Width) {
            $lines.Add($rest.Substring(0, $Width))
            $rest = $rest.Substring($Width)
        }
        $lines.Add($rest)
    }
    return , $lines.ToArray()
}

# The paragraphs of a block list, as MAML wants them: one string per paragraph; a list or a
# table is one paragraph of lines; code keeps its lines, indented.
function ConvertTo-HelpParagraph {
    param([AllowEmptyCollection()] [object[]] $Blocks)

    $paragraphs = [System.Collections.Generic.List[string]]::new()
    foreach ($block in $Blocks) {
        switch ($block.Kind) {
            'Paragraph' { $paragraphs.Add((ConvertFrom-MarkdownInline $block.Text)) }
            'Heading' { $paragraphs.Add((ConvertFrom-MarkdownInline $block.Text).ToUpperInvariant()) }
            'List' {
                $lines = foreach ($item in $block.Items) {
                    $marker = if ($item.Marker -match '^\d') { $item.Marker } else { '-' }
                    (' ' * $item.Indent) + $marker + ' ' + (ConvertFrom-MarkdownInline $item.Text)
                }
                $paragraphs.Add(($lines -join "`n"))
            }
            'Code' { $paragraphs.Add((($block.Lines | ForEach-Object { '    ' + $_ }) -join "`n").TrimEnd()) }
            'Table' { $paragraphs.Add(((Format-TextTable -Rows $block.Rows -Width 76) -join "`n")) }
        }
    }
    $paragraphs.ToArray()
}

#endregion

#region Cmdlet help

# The paragraphs of a section's lines; a missing section ($null) gives none.
function Get-SectionParagraph {
    param([AllowNull()] [AllowEmptyCollection()] [string[]] $Lines)

    if ($null -eq $Lines) { return }
    ConvertTo-HelpParagraph @(ConvertTo-MarkdownBlock $Lines)
}

# Reads one cmdlet markdown file into a help object.
function Read-CommandHelp {
    param([Parameter(Mandatory)] [string] $Path)

    $file = Split-Path $Path -Leaf
    $titled = @(Split-MarkdownSection -Lines (Read-MarkdownFile $Path) -Level 1 | Where-Object { $null -ne $_.Heading })
    if ($titled.Count -ne 1) {
        throw "${file}: expected one '# <Cmdlet-Name>' heading, found $($titled.Count)."
    }

    $name = $titled[0].Heading
    $sections = @{}
    foreach ($section in (Split-MarkdownSection -Lines $titled[0].Lines -Level 2)) {
        if ($null -ne $section.Heading) { $sections[$section.Heading.ToUpperInvariant()] = $section.Lines.ToArray() }
    }

    foreach ($required in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS') {
        if (-not $sections.ContainsKey($required)) { throw "${file}: the '## $required' section is missing." }
    }

    $help = [pscustomobject]@{
        Name         = $name
        File         = $file
        Synopsis     = (@(Get-SectionParagraph $sections['SYNOPSIS']) -join ' ').Trim()
        Description  = @(Get-SectionParagraph $sections['DESCRIPTION'])
        Syntax       = @(Read-SyntaxSection $sections['SYNTAX'] $file)
        Examples     = @(Read-ExampleSection $sections['EXAMPLES'])
        Parameters   = Read-ParameterSection $sections['PARAMETERS'] $file
        Inputs       = @(Read-TypeSection $sections['INPUTS'])
        Outputs      = @(Read-TypeSection $sections['OUTPUTS'])
        Notes        = @(Get-SectionParagraph $sections['NOTES'])
        RelatedLinks = @(Read-LinkSection $sections['RELATED LINKS'])
    }

    if ($help.Synopsis -eq '') { throw "${file}: the synopsis is empty." }
    foreach ($set in $help.Syntax) {
        foreach ($parameterName in $set.ParameterNames) {
            if (-not $help.Parameters.Contains($parameterName)) {
                throw "${file}: -$parameterName appears in the syntax but has no '### -$parameterName' section."
            }
        }
    }

    return $help
}

# Each parameter set: Name, IsDefault, Text (the syntax line) and ParameterNames in syntax order.
function Read-SyntaxSection {
    param([string[]] $Lines, [string] $File)

    $sets = [System.Collections.Generic.List[object]]::new()
    foreach ($section in (Split-MarkdownSection -Lines $Lines -Level 3)) {
        $code = @(ConvertTo-MarkdownBlock $section.Lines | Where-Object Kind -eq 'Code')
        if ($code.Count -eq 0) { continue }

        $setName = '(All)'
        $isDefault = $false
        if ($null -ne $section.Heading) {
            $setName = $section.Heading
            if ($setName -match '^(.*?)\s*\(Default\)$') {
                $setName = $Matches[1]
                $isDefault = $true
            }
        }

        $text = (($code[0].Lines | ForEach-Object { $_.Trim() }) -join ' ').Trim()
        $names = [regex]::Matches($text, '(?<![\w-])-([A-Za-z][A-Za-z0-9_]*)') | ForEach-Object { $_.Groups[1].Value }
        $sets.Add([pscustomobject]@{ Name = $setName; IsDefault = $isDefault; Text = $text; ParameterNames = @($names | Select-Object -Unique) })
    }

    if ($sets.Count -eq 0) { throw "${File}: the '## SYNTAX' section has no syntax block." }
    $sets.ToArray()
}

# Each example: Title, Code (all its fenced blocks) and Remarks (paragraphs).
function Read-ExampleSection {
    param([string[]] $Lines)

    $examples = [System.Collections.Generic.List[object]]::new()
    foreach ($section in (Split-MarkdownSection -Lines $Lines -Level 3)) {
        if ($null -eq $section.Heading) { continue }

        $blocks = @(ConvertTo-MarkdownBlock $section.Lines)
        $code = @($blocks | Where-Object Kind -eq 'Code' | ForEach-Object { ($_.Lines -join "`n").TrimEnd() })
        $remarks = @(ConvertTo-HelpParagraph @($blocks | Where-Object Kind -ne 'Code'))
        $examples.Add([pscustomobject]@{
                Title   = ConvertFrom-MarkdownInline $section.Heading
                Code    = $code -join "`n`n"
                Remarks = $remarks
            })
    }
    $examples.ToArray()
}

# Ordered dictionary: parameter name -> Name, Description (paragraphs), Sets (one hashtable per yaml block).
function Read-ParameterSection {
    param([string[]] $Lines, [string] $File)

    $parameters = [ordered]@{}
    foreach ($section in (Split-MarkdownSection -Lines $Lines -Level 3)) {
        if ($null -eq $section.Heading -or $section.Heading -notmatch '^-(\S+)$') { continue }

        $parameterName = $Matches[1]
        $blocks = @(ConvertTo-MarkdownBlock $section.Lines)
        $yaml = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })
        if ($yaml.Count -eq 0) { throw "${File}: -$parameterName has no yaml block." }

        $sets = @($yaml | ForEach-Object { ConvertFrom-ParameterYaml $_.Lines })
        foreach ($set in $sets) {
            if (-not $set['Type']) { throw "${File}: a yaml block of -$parameterName has no Type." }
        }

        $parameters[$parameterName] = [pscustomobject]@{
            Name        = $parameterName
            Description = @(ConvertTo-HelpParagraph @($blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Language -eq 'yaml') }))
            Sets        = $sets
        }
    }
    return $parameters
}

# INPUTS and OUTPUTS: each '### Type' with its description paragraphs.
function Read-TypeSection {
    param([AllowNull()] [string[]] $Lines)

    if ($null -eq $Lines) { return }
    foreach ($section in (Split-MarkdownSection -Lines $Lines -Level 3)) {
        if ($null -eq $section.Heading) { continue }
        [pscustomobject]@{
            Type        = ConvertFrom-MarkdownInline $section.Heading
            Description = @(Get-SectionParagraph $section.Lines)
        }
    }
}

# RELATED LINKS: [text](uri) links, or plain lines. A relative uri (another help file) is dropped.
function Read-LinkSection {
    param([AllowNull()] [string[]] $Lines)

    if ($null -eq $Lines) { return }
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') { continue }
        $found = [regex]::Matches($line, '\[([^\]]+)\]\(([^)\s]*)\)')
        if ($found.Count -eq 0) {
            [pscustomobject]@{ Text = (ConvertFrom-MarkdownInline $line.Trim().TrimStart('-', '*', ' ')); Uri = '' }
            continue
        }
        foreach ($m in $found) {
            $uri = $m.Groups[2].Value
            if ($uri -notmatch '^[a-z][a-z0-9+.-]*://') { $uri = '' }
            [pscustomobject]@{ Text = $m.Groups[1].Value; Uri = $uri }
        }
    }
}

# The yaml block of a parameter that applies to a parameter set.
function Get-ParameterSetInfo {
    param($Parameter, [string] $SetName)

    foreach ($set in $Parameter.Sets) {
        $names = @(([string]$set['Parameter Sets']) -split ',' | ForEach-Object { $_.Trim() })
        if ($SetName -eq '(All)' -or $names -contains '(All)' -or $names -contains $SetName) { return $set }
    }
    return $Parameter.Sets[0]
}

#endregion

#region MAML writing

# Removes characters that XML 1.0 cannot hold; the XmlWriter escapes the rest (& < > ").
function Get-XmlSafeText {
    param([AllowNull()] [string] $Text)

    if ($null -eq $Text) { return '' }
    return [regex]::Replace($Text, '[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]', '')
}

function Write-Element {
    param($Writer, [string] $Prefix, [string] $Name, [AllowNull()] [AllowEmptyString()] [string] $Text)

    $Writer.WriteStartElement($Prefix, $Name, $script:MamlNamespace[$Prefix])
    $Writer.WriteString((Get-XmlSafeText $Text))
    $Writer.WriteEndElement()
}

# <maml:description><maml:para>...</maml:para>...</maml:description> (or another wrapper element).
function Write-ParagraphElement {
    param($Writer, [string] $Prefix = 'maml', [string] $Name = 'description', [AllowEmptyCollection()] [string[]] $Paragraphs)

    $Writer.WriteStartElement($Prefix, $Name, $script:MamlNamespace[$Prefix])
    foreach ($paragraph in @($Paragraphs)) {
        Write-Element $Writer 'maml' 'para' $paragraph
    }
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param($Writer, $Parameter, [hashtable] $Info, [switch] $InSyntax)

    $type = [string]$Info['Type']
    $isSwitch = $type -eq 'SwitchParameter'
    $position = [string]$Info['Position']
    if ($position -eq '' -or $position -eq 'Named') { $position = 'named' }
    $aliases = [string]$Info['Aliases']
    if ($aliases.Trim() -eq '') { $aliases = 'none' }
    $pipeline = [string]$Info['Accept pipeline input']
    if ($pipeline -eq '') { $pipeline = 'False' }
    $default = [string]$Info['Default value']
    if ($default -eq '') { $default = 'None' }

    $Writer.WriteStartElement('command', 'parameter', $script:MamlNamespace.command)
    $Writer.WriteAttributeString('required', ([string]$Info['Required']).ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $(if ($type.EndsWith('[]')) { 'true' } else { 'false' }))
    $Writer.WriteAttributeString('globbing', ([string]$Info['Accept wildcard characters']).ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-XmlSafeText $pipeline))
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', (Get-XmlSafeText $aliases))

    Write-Element $Writer 'maml' 'name' $Parameter.Name
    Write-ParagraphElement $Writer -Paragraphs $Parameter.Description

    $accepted = @(([string]$Info['Accepted values']) -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    if ($accepted.Count -gt 0) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $script:MamlNamespace.command)
        foreach ($value in $accepted) {
            $Writer.WriteStartElement('command', 'parameterValue', $script:MamlNamespace.command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString((Get-XmlSafeText $value))
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    elseif (-not ($isSwitch -and $InSyntax)) {
        # Switches show no value in a syntax line; in the parameter list they name their type.
        $Writer.WriteStartElement('command', 'parameterValue', $script:MamlNamespace.command)
        $Writer.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', $(if ($type.EndsWith('[]')) { 'true' } else { 'false' }))
        $Writer.WriteString((Get-XmlSafeText $type))
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('dev', 'type', $script:MamlNamespace.dev)
    Write-Element $Writer 'maml' 'name' $type
    Write-Element $Writer 'maml' 'uri' ''
    $Writer.WriteEndElement()
    Write-Element $Writer 'dev' 'defaultValue' $default
    $Writer.WriteEndElement()
}

function Write-MamlCommand {
    param($Writer, $Help)

    $ns = $script:MamlNamespace
    $verb, $noun = $Help.Name -split '-', 2

    $Writer.WriteStartElement('command', 'command', $ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') {
        $Writer.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix])
    }

    $Writer.WriteStartElement('command', 'details', $ns.command)
    Write-Element $Writer 'command' 'name' $Help.Name
    Write-Element $Writer 'command' 'verb' $verb
    Write-Element $Writer 'command' 'noun' $noun
    Write-ParagraphElement $Writer -Paragraphs @($Help.Synopsis)
    $Writer.WriteEndElement()

    Write-ParagraphElement $Writer -Paragraphs $Help.Description

    # Syntax: one item per parameter set, parameters in the order the syntax line gives them.
    $Writer.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $Help.Syntax) {
        $Writer.WriteStartElement('command', 'syntaxItem', $ns.command)
        Write-Element $Writer 'maml' 'name' $Help.Name
        foreach ($parameterName in $set.ParameterNames) {
            $parameter = $Help.Parameters[$parameterName]
            Write-MamlParameter $Writer $parameter (Get-ParameterSetInfo $parameter $set.Name) -InSyntax
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($parameter in $Help.Parameters.Values) {
        Write-MamlParameter $Writer $parameter $parameter.Sets[0]
    }
    $Writer.WriteEndElement()

    foreach ($kind in @(
            @{ List = 'inputTypes'; Item = 'inputType'; Types = $Help.Inputs },
            @{ List = 'returnValues'; Item = 'returnValue'; Types = $Help.Outputs })) {
        $Writer.WriteStartElement('command', $kind.List, $ns.command)
        foreach ($entry in $kind.Types) {
            $Writer.WriteStartElement('command', $kind.Item, $ns.command)
            $Writer.WriteStartElement('dev', 'type', $ns.dev)
            Write-Element $Writer 'maml' 'name' $entry.Type
            $Writer.WriteEndElement()
            Write-ParagraphElement $Writer -Paragraphs $entry.Description
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('maml', 'alertSet', $ns.maml)
    Write-ParagraphElement $Writer -Name 'alert' -Paragraphs $Help.Notes
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $ns.command)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $ns.command)
        Write-Element $Writer 'maml' 'title' ("-------------------------- $($example.Title) --------------------------")
        Write-Element $Writer 'dev' 'code' $example.Code
        # The empty last paragraph keeps a blank line between one example and the next title.
        Write-ParagraphElement $Writer -Prefix 'dev' -Name 'remarks' -Paragraphs (@($example.Remarks) + '')
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in $Help.RelatedLinks) {
        $Writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
        Write-Element $Writer 'maml' 'linkText' $link.Text
        Write-Element $Writer 'maml' 'uri' $link.Uri
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

#endregion

function ConvertTo-MamlHelp {
    <#
    .SYNOPSIS
        Compiles the cmdlet markdown files of a folder into one MAML help file.
    .DESCRIPTION
        Reads every <Verb-Noun>.md in -MarkdownPath (about topics and other pages are skipped) and
        writes the MAML file that Get-Help reads for a binary module, such as
        en-US/ProcCmdlets.dll-Help.xml beside the module's manifest. A file that is not in the
        expected layout is a terminating error naming the file and the problem.
    .EXAMPLE
        ConvertTo-MamlHelp -MarkdownPath ./docs -OutputPath ./output/en-US/ProcCmdlets.dll-Help.xml
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        # The folder that holds the cmdlet markdown files.
        [Parameter(Mandatory)]
        [string] $MarkdownPath,

        # The MAML file to write. Its folder is created when missing.
        [Parameter(Mandatory)]
        [string] $OutputPath,

        # Writes the MAML file's FileInfo to the pipeline.
        [switch] $PassThru
    )

    $source = (Resolve-Path -LiteralPath $MarkdownPath -ErrorAction Stop).ProviderPath
    $target = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
    # Only files named like a command (Verb-Noun.md) are cmdlet help; about topics and other
    # pages (README.md, performance.md) are left alone.
    $files = Get-ChildItem -LiteralPath $source -Filter '*.md' -File |
        Where-Object { $_.Name -cmatch $script:CommandFilePattern } |
        Sort-Object Name
    if (-not $files) { throw "No cmdlet markdown files were found in '$source'." }

    $helps = foreach ($file in $files) {
        Write-Verbose "Reading $($file.Name)"
        Read-CommandHelp -Path $file.FullName
    }

    $directory = Split-Path $target -Parent
    if ($directory -and -not (Test-Path -LiteralPath $directory)) {
        New-Item -ItemType Directory -Path $directory -Force | Out-Null
    }

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.NewLineChars = "`n"
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $writer = [System.Xml.XmlWriter]::Create($target, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($help in $helps) {
            Write-MamlCommand $writer $help
        }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Dispose()
    }

    Write-Verbose "Wrote $(@($helps).Count) commands to $target"
    if ($PassThru) { Get-Item -LiteralPath $target }
}

function ConvertTo-AboutHelp {
    <#
    .SYNOPSIS
        Compiles an about_*.md topic into the plain-text about_*.help.txt that Get-Help shows.
    .DESCRIPTION
        '# about_Name' becomes the TOPIC, '## ' headings become upper-case section titles, '### '
        headings become indented subtitles; paragraphs and lists are wrapped to -Width columns,
        code is indented and kept as it is, and tables are laid out in columns.
    .EXAMPLE
        ConvertTo-AboutHelp -Path ./docs/about_ProcCmdlets.md -OutputPath ./output/en-US/about_ProcCmdlets.help.txt
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        # The about topic's markdown file.
        [Parameter(Mandatory)]
        [string] $Path,

        # The text file to write. Its folder is created when missing.
        [Parameter(Mandatory)]
        [string] $OutputPath,

        # The width to wrap text to.
        [ValidateRange(40, 200)]
        [int] $Width = 80,

        # Writes the text file's FileInfo to the pipeline.
        [switch] $PassThru
    )

    $source = (Resolve-Path -LiteralPath $Path -ErrorAction Stop).ProviderPath
    $target = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
    $out = [System.Collections.Generic.List[string]]::new()
    $indent = '    '

    foreach ($block in @(ConvertTo-MarkdownBlock (Read-MarkdownFile $source))) {
        switch ($block.Kind) {
            'Heading' {
                $title = ConvertFrom-MarkdownInline $block.Text
                if ($out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }
                if ($block.Level -eq 1) {
                    $out.Add('TOPIC')
                    $out.Add($indent + $title)
                    $out.Add('')
                }
                elseif ($block.Level -eq 2) {
                    $out.Add($title.ToUpperInvariant())
                }
                else {
                    $out.Add('  ' + $title)
                }
            }
            'Paragraph' {
                $out.AddRange([string[]](Format-WrappedText -Text (ConvertFrom-MarkdownInline $block.Text) -Width $Width -Indent $indent))
                $out.Add('')
            }
            'List' {
                foreach ($item in $block.Items) {
                    $marker = if ($item.Marker -match '^\d') { $item.Marker } else { '-' }
                    $lead = $indent + (' ' * $item.Indent)
                    $out.AddRange([string[]](Format-WrappedText -Text (ConvertFrom-MarkdownInline $item.Text) -Width $Width `
                                -FirstIndent ($lead + $marker + ' ') -Indent ($lead + (' ' * ($marker.Length + 1)))))
                }
                $out.Add('')
            }
            'Code' {
                foreach ($line in $block.Lines) { $out.Add(($indent + $indent + $line).TrimEnd()) }
                $out.Add('')
            }
            'Table' {
                $out.AddRange([string[]](Format-TextTable -Rows $block.Rows -Width $Width -Indent $indent))
                $out.Add('')
            }
        }
    }

    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }

    $directory = Split-Path $target -Parent
    if ($directory -and -not (Test-Path -LiteralPath $directory)) {
        New-Item -ItemType Directory -Path $directory -Force | Out-Null
    }
    # UTF-8 with a byte order mark, so that Windows PowerShell reads it right too.
    [System.IO.File]::WriteAllText($target, (($out -join "`n") + "`n"), [System.Text.UTF8Encoding]::new($true))

    Write-Verbose "Wrote $target"
    if ($PassThru) { Get-Item -LiteralPath $target }
}

Export-ModuleMember -Function ConvertTo-MamlHelp, ConvertTo-AboutHelp
