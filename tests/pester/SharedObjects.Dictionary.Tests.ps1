#Requires -Version 7.0
# New-ProcessDictionary [multiprocessing.Manager().dict()]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ProcessDictionary' {
    AfterEach {
        Clear-TestWorker
    }

    It 'is filled by workers and read by the session' {
        $dictionary = New-ProcessDictionary
        $dictionary | Should -BeOfType ([ProcCmdlets.ProcessDictionary])
        $pool = New-ProcessPool -ProcessCount 2
        try {
            $null = 1..10 | Invoke-ProcessPoolMap -Pool $pool -ChunkSize 1 {
                $d = $using:dictionary
                $d["item$_"] = $_ * $_
                $null = $d.Add('total', $_)
            }
        }
        finally {
            Remove-ProcessPool -Pool $pool -Force
        }

        $dictionary.Count | Should -Be 11
        $dictionary['item3'] | Should -Be 9
        $dictionary['ITEM3'] | Should -Be 9
        $dictionary['total'] | Should -Be 55
        $dictionary['missing'] | Should -BeNullOrEmpty
        $dictionary.ContainsKey('item10') | Should -BeTrue
        ($dictionary.Keys | Sort-Object) | Should -Be (@('total') + (1..10 | ForEach-Object { "item$_" }) | Sort-Object)
        $table = $dictionary.ToHashtable()
        $table | Should -BeOfType ([hashtable])
        $table.Count | Should -Be 11
        $dictionary.Remove('total') | Should -BeTrue
        $dictionary.Remove('total') | Should -BeFalse
        $dictionary.Count | Should -Be 10
    }

    It 'answers a worker with $null for a missing key and with a copy from ToHashtable' {
        $dictionary = New-ProcessDictionary
        $dictionary['a'] = 1
        $worker = Start-WorkerProcess -ArgumentList $dictionary {
            param($d)
            $null -eq $d['missing']
            $d.ContainsKey('a')
            $d.ToHashtable()['a']
            $d.Add('a', 2)
        }
        Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be @($true, $true, 1, 3)
    }
}
