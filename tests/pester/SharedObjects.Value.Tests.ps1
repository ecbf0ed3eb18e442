#Requires -Version 7.0
# New-ProcessValue [multiprocessing.Value]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessValue' {
    AfterEach {
        Clear-TestWorker
    }

    It 'holds a value that the session and workers read and set' {
        $value = New-ProcessValue 'first'
        $value | Should -BeOfType ([ProcCmdlets.ProcessValue])
        $value.Value | Should -Be 'first'
        $worker = Start-WorkerProcess -ArgumentList $value { param($v) $v.Value; $v.Value = @{ Set = 'by worker' } }
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 'first'
        $value.Value.Set | Should -Be 'by worker'
        (New-ProcessValue).Value | Should -BeNullOrEmpty
    }

    It 'adds atomically without a lock' {
        $counter = New-ProcessValue 0
        $workers = 1..4 | ForEach-Object {
            Start-WorkerProcess -ArgumentList $counter { param($c) for ($i = 0; $i -lt 250; $i++) { $null = $c.Add(1) } }
        }
        for ($i = 0; $i -lt 250; $i++) { $null = $counter.Add(1) }
        $null = Wait-WorkerProcess -Worker $workers -Timeout 90
        $counter.Value | Should -Be 1250
        $counter.Add(0.5) | Should -Be 1250.5
        $counter.Value = [int]::MaxValue
        $counter.Add(1) | Should -Be ([long][int]::MaxValue + 1)
    }

    It 'exchanges only when the comparand matches, and returns the old value' {
        $value = New-ProcessValue 5
        $value.CompareExchange(7, 4) | Should -Be 5
        $value.Value | Should -Be 5
        $value.CompareExchange(7, 5) | Should -Be 5
        $value.Value | Should -Be 7
        $worker = Start-WorkerProcess -ArgumentList $value { param($v) $v.CompareExchange('won', 7); $v.CompareExchange('lost', 7) }
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be @(7, 'won')
        $value.Value | Should -Be 'won'
    }
}
