#Requires -Version 7.0
# Default views (ProcCmdlets.Format.ps1xml) of WorkerProcess and ProcessPool, and the [OutputType]
# each cmdlet declares.

BeforeDiscovery {
    # The cmdlets of the contract and the types they declare they write.
    $outputTypeCases = @(
        @{ Name = 'Start-WorkerProcess'; Types = @('ProcCmdlets.WorkerProcess') }
        @{ Name = 'Wait-WorkerProcess'; Types = @('System.Management.Automation.PSObject', 'ProcCmdlets.WorkerProcess') }
        @{ Name = 'Receive-WorkerProcess'; Types = @('System.Management.Automation.PSObject') }
        @{ Name = 'Stop-WorkerProcess'; Types = @('ProcCmdlets.WorkerProcess') }
        @{ Name = 'Get-WorkerProcess'; Types = @('ProcCmdlets.WorkerProcess') }
        @{ Name = 'Remove-WorkerProcess'; Types = @('System.Void') }
        @{ Name = 'New-ProcessPool'; Types = @('ProcCmdlets.ProcessPool') }
        @{ Name = 'Invoke-ProcessPoolMap'; Types = @('System.Management.Automation.PSObject', 'ProcCmdlets.ProcessPoolMapJob') }
        @{ Name = 'Invoke-ProcessPoolApply'; Types = @('System.Management.Automation.PSObject', 'ProcCmdlets.ProcessPoolApplyJob') }
        @{ Name = 'Remove-ProcessPool'; Types = @('System.Void') }
        @{ Name = 'Get-ProcessPool'; Types = @('ProcCmdlets.ProcessPool') }
        @{ Name = 'New-ProcessQueue'; Types = @('ProcCmdlets.ProcessQueue') }
        @{ Name = 'New-ProcessLock'; Types = @('ProcCmdlets.ProcessLock') }
        @{ Name = 'New-ProcessSemaphore'; Types = @('ProcCmdlets.ProcessSemaphore') }
        @{ Name = 'New-ProcessEvent'; Types = @('ProcCmdlets.ProcessEvent') }
        @{ Name = 'New-ProcessBarrier'; Types = @('ProcCmdlets.ProcessBarrier') }
        @{ Name = 'New-ProcessValue'; Types = @('ProcCmdlets.ProcessValue') }
        @{ Name = 'New-ProcessDictionary'; Types = @('ProcCmdlets.ProcessDictionary') }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    Clear-TestWorker
    Clear-TestPool

    function Get-TableLine {
        # The non-blank lines of formatted output: header, dashes, then one line per row.
        param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)

        @($Text -split '\r?\n' | Where-Object { $_.Trim() })
    }

    function Get-ListEntry {
        # The 'Label : value' lines of Format-List output as an ordered dictionary.
        param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text)

        $entries = [ordered] @{}
        foreach ($line in $Text -split '\r?\n') {
            if ($line -match '^(\S[^:]*?)\s*: ?(.*)$') {
                $entries[$Matches[1]] = $Matches[2].TrimEnd()
            }
        }
        $entries
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'WorkerProcess views' {
    BeforeAll {
        $script:done = Start-WorkerProcess -Name 'ViewDone' -ScriptBlock { 'out' }
        $script:failed = Start-WorkerProcess -Name 'ViewFailed' -ScriptBlock { exit 5 }
        $script:running = Start-WorkerProcess -Name 'ViewRunning' -ScriptBlock {
            # The text of this script block is well over forty characters long.
            Start-Sleep -Seconds 120
        }
        $null = $script:done, $script:failed | Wait-WorkerProcess -PassThru
    }

    It 'has a table view and a list view' {
        $views = @((Get-FormatData -TypeName ProcCmdlets.WorkerProcess).FormatViewDefinition)

        @($views | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }) | Should -HaveCount 1
        @($views | Where-Object { $_.Control -is [System.Management.Automation.ListControl] }) | Should -HaveCount 1
    }

    It 'shows Id, Name, ProcessId, State, ExitCode, HasMoreData and Command in its default table' {
        $lines = Get-TableLine ($script:running | Format-Table | Out-String)

        $lines[0].Trim() -split '\s+' | Should -Be @('Id', 'Name', 'ProcessId', 'State', 'ExitCode', 'HasMoreData', 'Command')
        $lines[1].Trim() -split '\s+' | ForEach-Object { $_ | Should -Match '^-+$' }
        $lines | Should -HaveCount 3
    }

    It 'formats a worker as that table by default, without Format-Table' {
        $lines = Get-TableLine ($script:running | Out-String)

        $lines[0].Trim() -split '\s+' | Should -Be @('Id', 'Name', 'ProcessId', 'State', 'ExitCode', 'HasMoreData', 'Command')
    }

    It 'shows a running worker''s id, name, pid and state, and no exit code' {
        $row = (Get-TableLine ($script:running | Format-Table | Out-String -Width 200))[2].Trim() -split '\s+'

        $row[0] | Should -Be ([string] $script:running.Id)
        $row[1] | Should -Be 'ViewRunning'
        $row[2] | Should -Be ([string] $script:running.ProcessId)
        $row[3] | Should -Be 'Running'
        # No exit code: HasMoreData follows State.
        $row[4] | Should -Be 'False'
    }

    It 'shows an ended worker''s state and exit code' {
        $lines = Get-TableLine ($script:done, $script:failed | Format-Table | Out-String -Width 200)

        $done = $lines[2].Trim() -split '\s+'
        $done[1..5] | Should -Be @('ViewDone', [string] $script:done.ProcessId, 'Completed', '0', 'True')
        $failed = $lines[3].Trim() -split '\s+'
        $failed[1..5] | Should -Be @('ViewFailed', [string] $script:failed.ProcessId, 'Failed', '5', 'False')
    }

    It 'shows the command on one line, cut to forty characters' {
        $line = (Get-TableLine ($script:running | Format-Table | Out-String -Width 200))[2]
        $header = (Get-TableLine ($script:running | Format-Table | Out-String -Width 200))[0]
        $command = $line.Substring($header.IndexOf('Command')).Trim()

        $command | Should -BeLike '# The text of this script block*'
        $command.Length | Should -Be 40
        $command | Should -BeLike "*$([char] 0x2026)"
    }

    It 'is the view Get-Job uses for a worker' {
        $lines = Get-TableLine (Get-Job -Id $script:failed.Id | Out-String)

        $lines[0].Trim() -split '\s+' | Should -Be @('Id', 'Name', 'ProcessId', 'State', 'ExitCode', 'HasMoreData', 'Command')
    }

    It 'shows the job''s details and the whole command in its list view' {
        $entries = Get-ListEntry ($script:failed | Format-List | Out-String -Width 200)

        @($entries.Keys) | Should -Be @('Id', 'Name', 'PSJobTypeName', 'ProcessId', 'State', 'ExitCode', 'HasMoreData',
            'StatusMessage', 'Location', 'PSBeginTime', 'PSEndTime', 'Command')
        $entries.Id | Should -Be ([string] $script:failed.Id)
        $entries.Name | Should -Be 'ViewFailed'
        $entries.PSJobTypeName | Should -Be 'WorkerProcess'
        $entries.ProcessId | Should -Be ([string] $script:failed.ProcessId)
        $entries.State | Should -Be 'Failed'
        $entries.ExitCode | Should -Be '5'
        $entries.PSBeginTime | Should -Not -BeNullOrEmpty
        $entries.PSEndTime | Should -Not -BeNullOrEmpty
        $entries.Command | Should -Be 'exit 5'
    }

    It 'shows the whole command of a running worker in its list view' {
        $text = $script:running | Format-List | Out-String -Width 200

        $text | Should -Match 'Start-Sleep -Seconds 120'
        (Get-ListEntry $text).State | Should -Be 'Running'
        (Get-ListEntry $text).ExitCode | Should -BeNullOrEmpty
    }

    AfterAll {
        Clear-TestWorker
    }
}

Describe 'ProcessPool views' {
    BeforeAll {
        $script:pool = New-ProcessPool -ProcessCount 2 -Name 'ViewPool' -MaxTasksPerWorker 50
        $null = 1..4 | Invoke-ProcessPoolMap -Pool $script:pool { $_ }
    }

    It 'has a table view and a list view' {
        $views = @((Get-FormatData -TypeName ProcCmdlets.ProcessPool).FormatViewDefinition)

        @($views | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }) | Should -HaveCount 1
        @($views | Where-Object { $_.Control -is [System.Management.Automation.ListControl] }) | Should -HaveCount 1
    }

    It 'shows Name, ProcessCount, State, TasksCompleted, the worker pids and the hosts in its default table' {
        $lines = Get-TableLine ($script:pool | Format-Table | Out-String)

        $lines[0].Trim() -split '\s+' | Should -Be @('Name', 'ProcessCount', 'State', 'TasksCompleted', 'WorkerProcessIds', 'Hosts')
        $lines | Should -HaveCount 3
    }

    It 'formats a pool as that table by default, without Format-Table' {
        $lines = Get-TableLine ($script:pool | Out-String)

        $lines[0].Trim() -split '\s+' | Should -Be @('Name', 'ProcessCount', 'State', 'TasksCompleted', 'WorkerProcessIds', 'Hosts')
    }

    It 'shows the pool''s values and every worker pid in the row' {
        $pids = @($script:pool.WorkerProcessIds)
        $row = (Get-TableLine ($script:pool | Format-Table | Out-String -Width 200))[2]
        $values = $row.Trim() -split '\s+', 5

        $pids | Should -HaveCount 2
        $values[0] | Should -Be 'ViewPool'
        $values[1] | Should -Be '2'
        $values[2] | Should -Be 'Running'
        $values[3] | Should -Be ([string] $script:pool.TasksCompleted)
        [int] $values[3] | Should -BeGreaterOrEqual 4
        $values[4] -split '\s{2,}' | Should -Be @(($pids -join ', '), [Environment]::MachineName)
    }

    It 'shows the pool''s settings in its list view' {
        $entries = Get-ListEntry ($script:pool | Format-List | Out-String -Width 200)

        @($entries.Keys) | Should -Be @('Name', 'ProcessCount', 'MaxTasksPerWorker', 'State', 'TasksCompleted', 'WorkerProcessIds', 'Hosts')
        $entries.Name | Should -Be 'ViewPool'
        $entries.ProcessCount | Should -Be '2'
        $entries.MaxTasksPerWorker | Should -Be '50'
        $entries.State | Should -Be 'Running'
        $entries.WorkerProcessIds | Should -Be (@($script:pool.WorkerProcessIds) -join ', ')
    }

    It 'shows a removed pool as Closed, with no worker pids' {
        $closed = New-ProcessPool -ProcessCount 1 -Name 'ViewClosed'
        Remove-ProcessPool -Pool $closed

        $values = (Get-TableLine ($closed | Format-Table | Out-String -Width 200))[2].Trim() -split '\s+'

        $values[0] | Should -Be 'ViewClosed'
        $values[2] | Should -Be 'Closed'
        $values[4] | Should -Be ([Environment]::MachineName)
        $values | Should -HaveCount 5
    }

    AfterAll {
        Clear-TestPool
    }
}

Describe 'Output types' {
    It 'every exported cmdlet declares an [OutputType]' {
        $commands = @(Get-Command -Module ProcCmdlets -CommandType Cmdlet)

        $commands | Should -HaveCount 18
        foreach ($command in $commands) {
            @($command.OutputType) | Should -Not -BeNullOrEmpty -Because "$($command.Name) declares what it writes"
            foreach ($type in $command.OutputType) {
                $type.Type | Should -Not -BeNullOrEmpty -Because "$($command.Name)'s output type $($type.Name) resolves to a type"
            }
        }
    }

    It '<Name> declares <Types>' -ForEach $outputTypeCases {
        @((Get-Command -Name $Name -Module ProcCmdlets).OutputType | ForEach-Object { $_.Type.FullName }) | Should -Be $Types
    }

    It 'Remove-<_> declares System.Void' -ForEach 'WorkerProcess', 'ProcessPool' {
        (Get-Command -Name "Remove-$_" -Module ProcCmdlets).OutputType.Type | Should -Be ([void])
    }

    It 'the other cmdlets declare a type that is not System.Void' {
        foreach ($command in Get-Command -Module ProcCmdlets -CommandType Cmdlet | Where-Object Verb -NE 'Remove') {
            $command.OutputType.Type | Should -Not -Contain ([void]) -Because "$($command.Name) writes objects"
        }
    }
}

Describe 'cleanup' {
    It 'leaves no worker process behind' {
        Assert-NoWorkerLeft
    }
}
