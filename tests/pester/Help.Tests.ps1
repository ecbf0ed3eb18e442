# Checks the help of the built module: every cmdlet has a real synopsis, a description, at least
# two examples and a description for each of its parameters, and the about topic is found.
# Needs the module built into output/ProcCmdlets (./build.ps1), with its en-US help.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../output/ProcCmdlets') -Force

    $commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters +
        [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

    $commandCases = @(
        Get-Command -Module ProcCmdlets -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            @{
                Name       = $_.Name
                Parameters = @($_.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | Sort-Object)
            }
        }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../output/ProcCmdlets') -Force
}

Describe 'The module' {
    It 'exports the eighteen cmdlets of the contract' {
        @(Get-Command -Module ProcCmdlets -CommandType Cmdlet).Count | Should -Be 18
    }
}

Describe 'Help for <Name>' -ForEach $commandCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
    }

    It 'has a synopsis that is not just the syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without help, Get-Help makes the synopsis from the syntax line.
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))\b"
        $help.Synopsis | Should -Not -Match '\[<CommonParameters>\]'
    }

    It 'has a description' {
        (@($help.description | ForEach-Object Text) -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, each with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            ([string]$example.code).Trim() | Should -Not -BeNullOrEmpty -Because "example '$($example.title.Trim('- '))' should show code"
        }
    }

    It 'has a syntax that names the cmdlet' {
        @($help.syntax.syntaxItem).Count | Should -BeGreaterOrEqual 1
        foreach ($item in $help.syntax.syntaxItem) {
            $item.name | Should -Be $Name
        }
    }

    It 'describes -<_>' -ForEach $Parameters {
        $parameterName = $_
        $parameter = @($help.parameters.parameter | Where-Object { $_.name -eq $parameterName })
        $parameter.Count | Should -Be 1 -Because "-$parameterName should have an entry in the help"
        (@($parameter[0].description | ForEach-Object Text) -join '').Trim() | Should -Not -BeNullOrEmpty
    }
}

Describe 'about_ProcCmdlets' {
    BeforeAll {
        $topic = Get-Help -Name about_ProcCmdlets -ErrorAction SilentlyContinue
    }

    It 'is found by Get-Help' {
        $topic | Should -Not -BeNullOrEmpty
        $topic.Name | Should -Be 'about_ProcCmdlets'
        $topic.Category | Should -Be 'HelpFile'
    }

    It 'has a short description' {
        $topic.Synopsis | Should -Not -BeNullOrEmpty
    }

    It 'covers the mapping from Python multiprocessing' {
        $text = [string]$topic
        foreach ($term in 'imap_unordered', 'starmap', 'apply_async', 'maxtasksperchild', 'Invoke-ProcessPoolMap', 'Start-WorkerProcess') {
            $text | Should -Match ([regex]::Escape($term))
        }
    }
}
