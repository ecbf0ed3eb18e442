#Requires -Version 7.0
# Q6. Create four processes, each printing a different number.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Q6: four processes print four numbers' {
    BeforeAll {
        $printNumber = { param($Number) "Number: $Number" }
        $script:processes = foreach ($number in 1..4) {
            Start-WorkerProcess -ScriptBlock $printNumber -ArgumentList $number
        }
        $script:lines = @($script:processes | Wait-WorkerProcess)
    }

    It 'prints each of the four numbers once' {
        $script:lines | Should -HaveCount 4
        $script:lines | Sort-Object | Should -Be @('Number: 1', 'Number: 2', 'Number: 3', 'Number: 4')
    }

    It 'runs them in four distinct processes, none of them the session' {
        $ids = @($script:processes.ProcessId)

        $ids | Should -HaveCount 4
        @($ids | Select-Object -Unique) | Should -HaveCount 4
        $ids | Should -Not -Contain $PID
    }

    It 'joins all four: each has ended with exit code 0' {
        foreach ($process in $script:processes) {
            $process.State | Should -Be 'Completed'
            $process.ExitCode | Should -Be 0
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
