# Tests build/HelpCompiler.psm1: the MAML it makes from docs/ and from small markdown files
# written here, and the about topic text. Needs no build of the module.

BeforeDiscovery {
    $docs = Join-Path $PSScriptRoot '../../docs'

    # One case per cmdlet markdown file: its name and the parameters it documents.
    $commandCases = @(
        Get-ChildItem -LiteralPath $docs -Filter '*.md' -File |
            Where-Object { $_.Name -cmatch '^[A-Z][A-Za-z]+-[A-Z][A-Za-z0-9]+\.md$' } |
            Sort-Object Name |
            ForEach-Object {
                $lines = Get-Content -LiteralPath $_.FullName
                @{
                    Name       = $_.BaseName
                    Parameters = @($lines | Where-Object { $_ -match '^### -(\w+)\s*$' } | ForEach-Object { $_.Substring(5).Trim() })
                }
            }
    )
}

BeforeAll {
    $root = Join-Path $PSScriptRoot '../..'
    Import-Module (Join-Path $root 'build/HelpCompiler.psm1') -Force

    $mamlPath = Join-Path $TestDrive 'en-US/ProcCmdlets.dll-Help.xml'
    ConvertTo-MamlHelp -MarkdownPath (Join-Path $root 'docs') -OutputPath $mamlPath
    [xml] $maml = Get-Content -LiteralPath $mamlPath -Raw

    $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
    $ns.AddNamespace('msh', 'http://msh')
    $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
    $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
    $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')

    function Get-CommandNode([string] $Name) {
        $maml.SelectSingleNode("/msh:helpItems/command:command[command:details/command:name = '$Name']", $ns)
    }

    # Writes a one-cmdlet markdown file into its own folder and returns the folder.
    function New-MarkdownFolder([string] $Name, [string] $Content) {
        $folder = Join-Path $TestDrive $Name
        New-Item -ItemType Directory -Path $folder -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $folder 'Test-Thing.md') -Value $Content -Encoding utf8
        $folder
    }

    $fence = '```'
}

Describe 'ConvertTo-MamlHelp on docs/' {
    It 'finds the 11 cmdlet files, and only those' -ForEach @{ Count = $commandCases.Count } {
        $Count | Should -Be 11
    }

    It 'writes a MAML file with one command for each of the 11 cmdlets' {
        $maml.DocumentElement.LocalName | Should -Be 'helpItems'
        $maml.DocumentElement.schema | Should -Be 'maml'
        $maml.SelectNodes('/msh:helpItems/command:command', $ns).Count | Should -Be 11
    }
}

Describe 'MAML for <Name>' -ForEach $commandCases {
    BeforeAll {
        $command = Get-CommandNode $Name
    }

    It 'is in the MAML file, with its verb and noun' {
        $command | Should -Not -BeNullOrEmpty
        $verb, $noun = $Name -split '-', 2
        $command.SelectSingleNode('command:details/command:verb', $ns).InnerText | Should -Be $verb
        $command.SelectSingleNode('command:details/command:noun', $ns).InnerText | Should -Be $noun
    }

    It 'has a synopsis' {
        $command.SelectSingleNode('command:details/maml:description/maml:para', $ns).InnerText.Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has a description' {
        $command.SelectNodes('maml:description/maml:para', $ns).Count | Should -BeGreaterOrEqual 1
    }

    It 'has at least 2 examples, each with a title, code and remarks' {
        $examples = $command.SelectNodes('command:examples/command:example', $ns)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.SelectSingleNode('maml:title', $ns).InnerText | Should -Match 'Example \d+'
            $example.SelectSingleNode('dev:code', $ns).InnerText.Trim() | Should -Not -BeNullOrEmpty
            ($example.SelectNodes('dev:remarks/maml:para', $ns) | ForEach-Object InnerText) -join '' | Should -Not -BeNullOrEmpty
        }
    }

    It 'has inputs, outputs and related links' {
        $command.SelectNodes('command:inputTypes/command:inputType', $ns).Count | Should -BeGreaterOrEqual 1
        $command.SelectNodes('command:returnValues/command:returnValue', $ns).Count | Should -BeGreaterOrEqual 1
        $command.SelectNodes('command:relatedLinks/maml:navigationLink', $ns).Count | Should -BeGreaterOrEqual 1
    }

    It 'has a syntax item for each parameter set, naming the cmdlet' {
        $items = $command.SelectNodes('command:syntax/command:syntaxItem', $ns)
        $items.Count | Should -BeGreaterOrEqual 1
        foreach ($item in $items) {
            $item.SelectSingleNode('maml:name', $ns).InnerText | Should -Be $Name
        }
    }

    It 'gives -<_> a description, a type and its attributes' -ForEach $Parameters {
        $parameterName = $_
        $parameter = $command.SelectSingleNode("command:parameters/command:parameter[maml:name = '$parameterName']", $ns)
        $parameter | Should -Not -BeNullOrEmpty -Because "-$parameterName is documented in $Name.md"
        ($parameter.SelectNodes('maml:description/maml:para', $ns) | ForEach-Object InnerText) -join '' | Should -Not -BeNullOrEmpty
        $parameter.SelectSingleNode('dev:type/maml:name', $ns).InnerText | Should -Not -BeNullOrEmpty
        $parameter.SelectSingleNode('dev:defaultValue', $ns).InnerText | Should -Not -BeNullOrEmpty
        $parameter.required | Should -BeIn 'true', 'false'
        $parameter.globbing | Should -BeIn 'true', 'false'
        $parameter.pipelineInput | Should -Match '^(False|True \(.+\))$'
        $parameter.position | Should -Match '^(named|\d+)$'
    }
}

Describe 'Details of the MAML' {
    It 'gives each parameter set of a cmdlet its own syntax item' {
        $items = (Get-CommandNode 'Wait-WorkerProcess').SelectNodes('command:syntax/command:syntaxItem', $ns)
        $items.Count | Should -Be 3
        $first = @($items[0].SelectNodes('command:parameter/maml:name', $ns) | ForEach-Object InnerText)
        $first[0] | Should -Be 'Worker'
        $first | Should -Not -Contain 'Id'
    }

    It 'keeps a positional parameter''s position and pipeline input' {
        $worker = (Get-CommandNode 'Stop-WorkerProcess').SelectSingleNode("command:parameters/command:parameter[maml:name = 'Worker']", $ns)
        $worker.position | Should -Be '0'
        $worker.required | Should -Be 'true'
        $worker.pipelineInput | Should -Be 'True (ByValue)'
    }

    It 'keeps aliases and wildcard support' {
        $processCount = (Get-CommandNode 'Invoke-ProcessPoolMap').SelectSingleNode("command:parameters/command:parameter[maml:name = 'ProcessCount']", $ns)
        $processCount.aliases | Should -Be 'ThrottleLimit'
        $name = (Get-CommandNode 'Get-ProcessPool').SelectSingleNode("command:parameters/command:parameter[maml:name = 'Name']", $ns)
        $name.globbing | Should -Be 'true'
    }

    It 'leaves the value out of a switch in the syntax' {
        $any = (Get-CommandNode 'Wait-WorkerProcess').SelectSingleNode("command:syntax/command:syntaxItem/command:parameter[maml:name = 'Any']", $ns)
        $any.SelectSingleNode('command:parameterValue', $ns) | Should -BeNullOrEmpty
    }
}

Describe 'ConvertTo-MamlHelp with special characters' {
    BeforeAll {
        $markdown = @"
# Test-Thing

## SYNOPSIS
Compares a < b && c > d with "quotes" and 'apostrophes'.

## SYNTAX

$fence
Test-Thing [-Value] <String> [<CommonParameters>]
$fence

## DESCRIPTION
Text with an ampersand & a <tag> and a control character: [$([char]7)].

## EXAMPLES

### Example 1: Redirect
${fence}powershell
Test-Thing -Value '<x>' 2>&1 | Out-Null
$fence

Uses 2>&1 and <angle brackets>.

### Example 2: Compare
${fence}powershell
if (1 -lt 2 -and "a" -ne 'b') { '&' }
$fence

Remarks & more.

## PARAMETERS

### -Value
A value such as <Name> & "Other".

${fence}yaml
Type: String
Parameter Sets: (All)
Aliases:

Required: True
Position: 0
Default value: <none> & "empty"
Accept pipeline input: False
Accept wildcard characters: False
$fence

## INPUTS

### None

## OUTPUTS

### System.String

## NOTES

## RELATED LINKS

[Get-Thing](Get-Thing.md)
"@
        $folder = New-MarkdownFolder 'special' $markdown
        $path = Join-Path $TestDrive 'special.xml'
        ConvertTo-MamlHelp -MarkdownPath $folder -OutputPath $path
        $raw = Get-Content -LiteralPath $path -Raw
        [xml] $special = $raw
        $command = $special.SelectSingleNode('/msh:helpItems/command:command', $ns)
    }

    It 'writes XML that loads' {
        $special | Should -Not -BeNullOrEmpty
    }

    It 'escapes ampersands and angle brackets in text' {
        $raw | Should -Match ([regex]::Escape('a &lt; b &amp;&amp; c &gt; d'))
        $command.SelectSingleNode('command:details/maml:description/maml:para', $ns).InnerText |
            Should -Be 'Compares a < b && c > d with "quotes" and ''apostrophes''.'
    }

    It 'keeps example code as it is' {
        $codes = @($command.SelectNodes('command:examples/command:example/dev:code', $ns) | ForEach-Object InnerText)
        $codes[0] | Should -Be "Test-Thing -Value '<x>' 2>&1 | Out-Null"
        $codes[1] | Should -Be "if (1 -lt 2 -and `"a`" -ne 'b') { '&' }"
    }

    It 'escapes attribute-free values such as default values' {
        $command.SelectSingleNode('command:parameters/command:parameter/dev:defaultValue', $ns).InnerText |
            Should -Be '<none> & "empty"'
    }

    It 'drops characters that XML cannot hold' {
        $command.SelectSingleNode('maml:description/maml:para', $ns).InnerText | Should -BeLike '*character: `[`].'
    }
}

Describe 'ConvertTo-MamlHelp with broken markdown' {
    It 'names the file when a section is missing' {
        $folder = New-MarkdownFolder 'nosynopsis' "# Test-Thing`n`n## SYNTAX`n`n$fence`nTest-Thing`n$fence`n"
        { ConvertTo-MamlHelp -MarkdownPath $folder -OutputPath (Join-Path $TestDrive 'x.xml') } |
            Should -Throw -ExpectedMessage '*Test-Thing.md*SYNOPSIS*'
    }

    It 'refuses a syntax parameter that has no section' {
        $markdown = "# Test-Thing`n## SYNOPSIS`nDoes it.`n## SYNTAX`n$fence`nTest-Thing -Missing <String>`n$fence`n" +
            "## DESCRIPTION`nText.`n## EXAMPLES`n## PARAMETERS`n"
        $folder = New-MarkdownFolder 'noparameter' $markdown
        { ConvertTo-MamlHelp -MarkdownPath $folder -OutputPath (Join-Path $TestDrive 'y.xml') } |
            Should -Throw -ExpectedMessage '*-Missing*'
    }
}

Describe 'ConvertTo-AboutHelp' {
    BeforeAll {
        $aboutPath = Join-Path $TestDrive 'about_ProcCmdlets.help.txt'
        ConvertTo-AboutHelp -Path (Join-Path $root 'docs/about_ProcCmdlets.md') -OutputPath $aboutPath
        $about = Get-Content -LiteralPath $aboutPath
    }

    It 'starts with the topic name' {
        $about[0].TrimStart([char]0xFEFF) | Should -Be 'TOPIC'
        $about[1].Trim() | Should -Be 'about_ProcCmdlets'
    }

    It 'has the short and long description sections' {
        $about | Should -Contain 'SHORT DESCRIPTION'
        $about | Should -Contain 'LONG DESCRIPTION'
    }

    It 'leaves no markdown behind' {
        # Code lines (indented by 8) may hold '#' comments; no other line starts with markdown.
        $about | Where-Object { $_ -notmatch '^ {8}' -and $_ -match '^\s*(```|#+ |\|)' } | Should -BeNullOrEmpty
    }

    It 'keeps prose and tables within 80 columns' {
        # Code lines are indented by 8 and kept as they are; everything else is wrapped.
        $long = $about | Where-Object { $_.Length -gt 80 -and $_ -notmatch '^ {8}' }
        $long | Should -BeNullOrEmpty
    }

    It 'lays the Python mapping table out in columns' {
        $about | Where-Object { $_ -match '^\s+Pool\.imap_unordered\(func, iterable\)\s+Invoke-ProcessPoolMap -Unordered' } |
            Should -Not -BeNullOrEmpty
    }
}
