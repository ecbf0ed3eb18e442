@{
    RootModule           = 'ProcCmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '8d2a4f0e-5c1b-4e57-9a53-2f6f0c7b9e41'
    Author               = 'ProcCmdlets contributors'
    CompanyName          = 'ProcCmdlets'
    Copyright            = '(c) ProcCmdlets contributors. MIT License.'
    Description          = "Python's multiprocessing for PowerShell: script blocks run in separate, reusable worker processes and their objects stream back to the pipeline."
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @('ProcCmdlets.Format.ps1xml')
    CmdletsToExport      = @(
        'Start-WorkerProcess'
        'Wait-WorkerProcess'
        'Receive-WorkerProcess'
        'Stop-WorkerProcess'
        'Get-WorkerProcess'
        'Remove-WorkerProcess'
        'New-ProcessPool'
        'Invoke-ProcessPoolMap'
        'Invoke-ProcessPoolApply'
        'Remove-ProcessPool'
        'Get-ProcessPool'
        'New-ProcessQueue'
        'New-ProcessLock'
        'New-ProcessSemaphore'
        'New-ProcessEvent'
        'New-ProcessBarrier'
        'New-ProcessValue'
        'New-ProcessDictionary'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('multiprocessing', 'parallel', 'process', 'pool', 'worker', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release: worker processes and process pools.'
        }
    }
}
