#Requires -Version 7.0
# Q3. Create a process, start it and wait for it (Process(target=print_numbers).start(); join()).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Q3: create, start and join a process' {
    It 'runs print_numbers in a worker and goes on after it has ended' {
        $printNumbers = {
            foreach ($i in 0..4) { "Number: $i" }
        }

        $process = Start-WorkerProcess -ScriptBlock $printNumbers
        $lines = @($process | Wait-WorkerProcess)
        $after = 'Process completed.'

        $lines | Should -Be @('Number: 0', 'Number: 1', 'Number: 2', 'Number: 3', 'Number: 4')
        $after | Should -Be 'Process completed.'
        $process.State | Should -Be 'Completed'
        $process.ExitCode | Should -Be 0
    }

    It 'joins with the job cmdlets as well' {
        $process = Start-WorkerProcess { foreach ($i in 0..4) { "Number: $i" } }

        $null = Wait-Job -Job $process -Timeout 60

        $process.ExitCode | Should -Be 0
        Receive-Job -Job $process | Should -Be @('Number: 0', 'Number: 1', 'Number: 2', 'Number: 3', 'Number: 4')
        Remove-Job -Job $process
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
