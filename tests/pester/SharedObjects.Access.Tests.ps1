#Requires -Version 7.0
# Which shared objects a worker reaches: only those the session sent it (an argument, $using:, an
# input item, or inside a value it received), on its own connection. An id it was not sent, forged
# in the worker's code, is refused there and the session warns naming the worker and its host.
# docs/architecture.md, "Security", "Shared objects".

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    $script:sshSkip = Get-SshTestHostSkipReason
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SshTestHost.psm1') -Force
    Import-ProcCmdletsForTest

    # Run in a worker: builds a proxy of kind $Type for the session's object $Id from a proxy the
    # worker was sent ($Given), as hostile code would, and tries to read it.
    $script:forge = {
        param($Given, [string] $Type, [long] $Id)
        $flags = [Reflection.BindingFlags] 'NonPublic, Instance'
        $endpoint = $Given.GetType().GetProperty('Endpoint', $flags).GetValue($Given)
        $forged = $Given.GetType().Assembly.GetType("ProcCmdlets.$Type").GetConstructors($flags)[0].Invoke(@($Id, $endpoint))
        try {
            # Methods, not properties: PowerShell turns a property getter's exception into $null. The
            # getter is called as PowerShell calls a method, not by reflection: under Wine an exception
            # out of a method's first reflected call leaves the worker's runtime unable to collect
            # garbage, and its next item waited without end.
            $read = if ($Type -eq 'ProcessValue') { $forged.get_Value() } else { $forged.ToHashtable()['entry'] }
            "reached: $read"
        }
        catch { "refused: $($_.Exception.GetBaseException().Message)" }
    }.ToString()
}

AfterAll {
    Get-ProcessPool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
    Assert-NoWorkerLeft
}

Describe 'Shared objects a worker was not sent' {
    BeforeEach {
        $script:given = New-ProcessQueue
        $script:value = New-ProcessValue 'secret value'
        $script:dictionary = New-ProcessDictionary
        $script:dictionary['entry'] = 'secret entry'
    }

    It 'refuses a forged New-ProcessValue and New-ProcessDictionary in a map item, and warns naming the worker' {
        $pool = New-ProcessPool -ProcessCount 1
        try {
            $results = @(
                [pscustomobject]@{ Type = 'ProcessValue'; Id = $script:value.Id }
                [pscustomobject]@{ Type = 'ProcessDictionary'; Id = $script:dictionary.Id }
            ) | Invoke-ProcessPoolMap -Pool $pool {
                & ([scriptblock]::Create($using:forge)) $using:given $_.Type $_.Id
            } -WarningVariable warned -WarningAction SilentlyContinue
            $results | Should -HaveCount 2
            $results | ForEach-Object { $_ | Should -BeLike 'refused: This worker was not given shared object*' }
            $null = Get-ProcessPool -WarningVariable +warned -WarningAction SilentlyContinue
            ($warned | Where-Object { "$_" -like "worker process * named shared object $($script:value.Id), which the session never sent it*" }) | Should -Not -BeNullOrEmpty
            ($warned | Where-Object { "$_" -like "worker process * named shared object $($script:dictionary.Id), which the session never sent it*" }) | Should -Not -BeNullOrEmpty

            # Sent, the same objects are reached as ever.
            $script:value, $script:dictionary | Invoke-ProcessPoolMap -Pool $pool { if ($_ -is [ProcCmdlets.ProcessValue]) { $_.Value } else { $_['entry'] } } |
                Should -Be @('secret value', 'secret entry')
        }
        finally { Remove-ProcessPool -Pool $pool -Force }
    }

    It 'refuses a forged object that a worker puts into a queue it was sent' {
        # Bounded, so that the put waits for the session's answer.
        $script:given = New-ProcessQueue -MaxSize 10
        $worker = Start-WorkerProcess -ArgumentList $script:given, $script:value.Id {
            param($queue, $id)
            $flags = [Reflection.BindingFlags] 'NonPublic, Instance'
            $endpoint = $queue.GetType().GetProperty('Endpoint', $flags).GetValue($queue)
            $forged = $queue.GetType().Assembly.GetType('ProcCmdlets.ProcessValue').GetConstructors($flags)[0].Invoke(@([long] $id, $endpoint))
            try { $queue.Put($forged); 'no refusal' } catch { 'refused' }
        }
        try {
            $worker | Wait-WorkerProcess -Timeout 60 -WarningVariable warned -WarningAction SilentlyContinue | Should -Be 'refused'
            $script:given.Count | Should -Be 0
        }
        finally { $worker | Remove-WorkerProcess -Force }
    }
}

Describe 'Shared objects a remote worker was not sent (Linux only: the tests'' private sshd runs there)' -Skip:([bool] $script:sshSkip) {
    BeforeAll {
        $script:ssh = Start-SshTestHost
    }

    AfterAll {
        Get-ProcessPool | Remove-ProcessPool -Force -ErrorAction SilentlyContinue
        Stop-SshTestHost $script:ssh
    }

    It 'refuses a forged id from a worker on another host, and the warning names the host' {
        $given = New-ProcessQueue
        $value = New-ProcessValue 'secret value'
        $connection = @{ Port = $script:ssh.Port; KeyFilePath = $script:ssh.KeyFilePath; Options = $script:ssh.Options; PowerShellPath = $script:ssh.PowerShellPath }
        $pool = New-ProcessPool -HostName 127.0.0.2 -ProcessCount 1 @connection
        try {
            $result = $value.Id | Invoke-ProcessPoolMap -Pool $pool {
                & ([scriptblock]::Create($using:forge)) $using:given 'ProcessValue' $_
            } -WarningVariable warned -WarningAction SilentlyContinue
            $result | Should -BeLike 'refused: This worker was not given shared object*'
            $null = Get-ProcessPool -WarningVariable +warned -WarningAction SilentlyContinue
            ($warned | Where-Object { "$_" -like "worker process * on 127.0.0.2 named shared object $($value.Id)*" }) | Should -Not -BeNullOrEmpty
        }
        finally { Remove-ProcessPool -Pool $pool -Force }
    }
}
