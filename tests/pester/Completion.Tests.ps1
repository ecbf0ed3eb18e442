#Requires -Version 7.0
# Tab completion of worker names and ids and of pool names, and -Pool given a pool's name.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    Clear-TestWorker
    Clear-TestPool

    $script:alpha = Start-WorkerProcess -Name 'CompletionAlpha' -ScriptBlock { Start-Sleep -Seconds 120 }
    $script:pool = New-ProcessPool -ProcessCount 1 -Name 'CompletionPool'

    function Get-CompletionText {
        # What TabExpansion2 offers with the cursor at the end of the input.
        param([Parameter(Mandatory)] [string] $InputScript)

        $result = TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length
        @($result.CompletionMatches | ForEach-Object CompletionText)
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Tab completion' {
    Context 'worker names' {
        It 'offers the worker''s name for Get-WorkerProcess -Name' {
            Get-CompletionText 'Get-WorkerProcess -Name Completion' | Should -Contain 'CompletionAlpha'
        }

        It 'offers it for the positional name of Get-WorkerProcess, case-insensitively' {
            Get-CompletionText 'Get-WorkerProcess completion' | Should -Contain 'CompletionAlpha'
        }

        It 'offers it for -Name of <_>' -ForEach 'Wait-WorkerProcess', 'Receive-WorkerProcess', 'Stop-WorkerProcess', 'Remove-WorkerProcess' {
            Get-CompletionText "$_ -Name CompletionA" | Should -Contain 'CompletionAlpha'
        }

        It 'offers only the names that start with the word' {
            $offered = Get-CompletionText 'Get-WorkerProcess -Name CompletionA'

            $offered | Should -Be @('CompletionAlpha')
        }

        It 'offers them as parameter values' {
            $result = TabExpansion2 -inputScript 'Get-WorkerProcess -Name Completion' -cursorColumn 'Get-WorkerProcess -Name Completion'.Length
            $match = $result.CompletionMatches | Where-Object CompletionText -EQ 'CompletionAlpha'

            $match.ResultType | Should -Be ([System.Management.Automation.CompletionResultType]::ParameterValue)
        }

        It 'quotes a name that holds a space' {
            $spaced = Start-WorkerProcess -Name 'Completion Spaced' -ScriptBlock { Start-Sleep -Seconds 120 }
            try {
                Get-CompletionText 'Get-WorkerProcess -Name Completion' | Should -Contain "'Completion Spaced'"
            }
            finally {
                $spaced | Remove-WorkerProcess -Force
            }
        }
    }

    Context 'worker ids' {
        It 'offers the worker''s id for Wait-WorkerProcess -Id' {
            Get-CompletionText 'Wait-WorkerProcess -Id ' | Should -Contain ([string] $script:alpha.Id)
        }

        It 'offers it for -Id of <_>' -ForEach 'Get-WorkerProcess', 'Receive-WorkerProcess', 'Stop-WorkerProcess', 'Remove-WorkerProcess' {
            Get-CompletionText "$_ -Id " | Should -Contain ([string] $script:alpha.Id)
        }
    }

    Context 'pool names' {
        It 'offers the pool''s name for Invoke-ProcessPoolMap -Pool' {
            Get-CompletionText 'Invoke-ProcessPoolMap -Pool Completion' | Should -Contain 'CompletionPool'
        }

        It 'offers it for -Pool of <_>' -ForEach 'Invoke-ProcessPoolApply', 'Remove-ProcessPool' {
            Get-CompletionText "$_ -Pool Completion" | Should -Contain 'CompletionPool'
        }

        It 'offers it for Get-ProcessPool -Name' {
            Get-CompletionText 'Get-ProcessPool -Name Comp' | Should -Contain 'CompletionPool'
        }

        It 'offers it for the positional name of Get-ProcessPool' {
            Get-CompletionText 'Get-ProcessPool Comp' | Should -Contain 'CompletionPool'
        }

        It 'does not offer a removed pool' {
            $gone = New-ProcessPool -ProcessCount 1 -Name 'CompletionGone'
            Remove-ProcessPool -Pool $gone

            Get-CompletionText 'Get-ProcessPool -Name Completion' | Should -Not -Contain 'CompletionGone'
        }
    }

    Context '-Pool given a name' {
        It 'runs Invoke-ProcessPoolMap -Pool CompletionPool on that pool' {
            $before = $script:pool.TasksCompleted

            $results = 1..3 | Invoke-ProcessPoolMap -Pool CompletionPool { $_ * 2 }

            $results | Should -Be @(2, 4, 6)
            $script:pool.TasksCompleted | Should -BeGreaterOrEqual ($before + 3)
        }

        It 'runs Invoke-ProcessPoolApply -Pool CompletionPool on that pool' {
            Invoke-ProcessPoolApply -Pool 'completionpool' -ScriptBlock { $PID } |
                Should -BeIn @($script:pool.WorkerProcessIds)
        }

        It 'refuses a name that no pool has' {
            { Invoke-ProcessPoolMap -Pool 'NoSuchCompletionPool' -InputObject 1 { $_ } } |
                Should -Throw -ExpectedMessage "*NoSuchCompletionPool*"
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
