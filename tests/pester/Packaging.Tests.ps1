#Requires -Version 7.0
# Packaging: build/New-ModulePackage.ps1 makes a .nupkg of the built module that PSResourceGet
# installs, and the installed copy works in a new PowerShell process.
# Needs the module built into output/ProcCmdlets (./build.ps1). Works offline: the only repository
# used is a local folder under $TestDrive, registered under a unique name and unregistered after.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop

    $script:root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $script:packageScript = Join-Path $script:root 'build/New-ModulePackage.ps1'
    $script:version = (Import-PowerShellDataFile (Join-Path $script:root 'module/ProcCmdlets.psd1')).ModuleVersion
    $script:moduleDirectory = Join-Path (Get-ProcCmdletsModulePath) $script:version
    if (-not (Test-Path -LiteralPath (Join-Path $script:moduleDirectory 'ProcCmdlets.psd1'))) {
        throw "ProcCmdlets is not built: '$script:moduleDirectory' has no manifest. Run ./build.ps1 -Task Build first."
    }

    function Get-MarkdownSynopsis {
        # The text under '## SYNOPSIS' of a docs/<command>.md page, on one line.
        param([string] $Path)

        $lines = Get-Content -LiteralPath $Path
        $start = [array]::IndexOf($lines, '## SYNOPSIS')
        $text = foreach ($line in $lines[($start + 1)..($lines.Count - 1)]) {
            if ($line -like '## *') { break }
            $line.Trim()
        }
        (($text | Where-Object { $_ }) -join ' ').Trim()
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'New-ModulePackage.ps1' {
    BeforeAll {
        $script:packageDirectory = Join-Path $TestDrive 'packages'
        $script:repositoriesBefore = @(Get-PSResourceRepository | ForEach-Object Name)
        $script:package = & $script:packageScript -ModuleDirectory $script:moduleDirectory -OutputDirectory $script:packageDirectory
        $script:repositoriesAfter = @(Get-PSResourceRepository | ForEach-Object Name)
    }

    It 'writes ProcCmdlets.VERSION.nupkg, VERSION being the manifest''s ModuleVersion, into the output folder' {
        $expected = Join-Path $script:packageDirectory "ProcCmdlets.$script:version.nupkg"

        $expected | Should -Exist
        @(Get-ChildItem -LiteralPath $script:packageDirectory) | Should -HaveCount 1
        $script:package | Should -BeOfType ([System.IO.FileInfo])
        $script:package.FullName | Should -Be $expected
    }

    It 'packs the module files and a nuspec with the module''s id and version' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [System.IO.Compression.ZipFile]::OpenRead($script:package.FullName)
        try {
            $entries = @($archive.Entries | ForEach-Object FullName)
            $reader = [System.IO.StreamReader]::new($archive.GetEntry('ProcCmdlets.nuspec').Open())
            try {
                [xml] $nuspec = $reader.ReadToEnd()
            }
            finally {
                $reader.Dispose()
            }
        }
        finally {
            $archive.Dispose()
        }

        foreach ($file in 'ProcCmdlets.psd1', 'ProcCmdlets.dll',
            'worker/net8.0/ProcCmdlets.Worker.dll', 'worker/net8.0/ProcCmdlets.Worker.runtimeconfig.json',
            'worker/net10.0/ProcCmdlets.Worker.dll', 'worker/net10.0/ProcCmdlets.Worker.runtimeconfig.json', 'ProcCmdlets.Format.ps1xml',
            'en-US/ProcCmdlets.dll-Help.xml', 'en-US/about_ProcCmdlets.help.txt') {
            $entries | Should -Contain $file
        }

        $nuspec.package.metadata.id | Should -Be 'ProcCmdlets'
        $nuspec.package.metadata.version | Should -Be $script:version
    }

    It 'leaves no repository registered' {
        @($script:repositoriesAfter | Where-Object { $_ -notin $script:repositoriesBefore }) | Should -BeNullOrEmpty
        @($script:repositoriesAfter | Where-Object { $_ -like 'ProcCmdlets-Package-*' }) | Should -BeNullOrEmpty
    }

    Context 'installed from a local repository' {
        BeforeAll {
            $script:repositoryName = "ProcCmdletsPackagingTest-$([guid]::NewGuid().ToString('N'))"
            Register-PSResourceRepository -Name $script:repositoryName -Uri $script:packageDirectory -Trusted -ErrorAction Stop
            $script:registered = $true

            # Install-PSResource has no -Path: it always installs into the user's (or all users')
            # module folder. Save-PSResource -Path installs the same package into a folder of our
            # choosing, so the user's real module paths are not touched.
            $script:modulesDirectory = Join-Path $TestDrive 'modules'
            $null = New-Item -ItemType Directory -Path $script:modulesDirectory
            Save-PSResource -Name ProcCmdlets -Version $script:version -Repository $script:repositoryName `
                -Path $script:modulesDirectory -TrustRepository -ErrorAction Stop
            $script:installedDirectory = Join-Path $script:modulesDirectory "ProcCmdlets/$script:version"
        }

        AfterAll {
            if ($script:registered) {
                Unregister-PSResourceRepository -Name $script:repositoryName -ErrorAction SilentlyContinue
            }
        }

        It 'finds the package in the repository' {
            $found = Find-PSResource -Name ProcCmdlets -Repository $script:repositoryName -ErrorAction Stop

            $found | Should -HaveCount 1
            [string] $found.Version | Should -Be $script:version
            $found.Type | Should -Be 'Module'
        }

        It 'installs the module into a ProcCmdlets/VERSION folder under the given path' {
            foreach ($file in 'ProcCmdlets.psd1', 'ProcCmdlets.dll',
                'worker/net8.0/ProcCmdlets.Worker.dll', 'worker/net8.0/ProcCmdlets.Worker.runtimeconfig.json',
                'worker/net10.0/ProcCmdlets.Worker.dll', 'worker/net10.0/ProcCmdlets.Worker.runtimeconfig.json', 'ProcCmdlets.Format.ps1xml',
                'en-US/ProcCmdlets.dll-Help.xml', 'en-US/about_ProcCmdlets.help.txt') {
                Join-Path $script:installedDirectory $file | Should -Exist
            }
        }

        It 'runs a pool map and has help in a new PowerShell process that imports the installed module by path' {
            $manifest = Join-Path $script:installedDirectory 'ProcCmdlets.psd1'
            $command = @(
                '$ErrorActionPreference = ''Stop'''
                'Import-Module -Name ''{0}''' -f $manifest.Replace("'", "''")
                '$module = Get-Module -Name ProcCmdlets'
                '$doubled = 1..3 | Invoke-ProcessPoolMap { $_ * 2 } -ProcessCount 2'
                '$help = Get-Help -Name Invoke-ProcessPoolMap'
                '[pscustomobject]@{ ModuleBase = $module.ModuleBase; Version = [string] $module.Version; Doubled = @($doubled); Synopsis = [string] $help.Synopsis } | ConvertTo-Json -Compress'
            ) -join '; '
            $processPath = [Environment]::ProcessPath
            $arguments = @('-NoProfile', '-NonInteractive', '-Command', $command)
            if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
                $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments
            }

            $output = @(& $processPath @arguments 2>&1 | ForEach-Object { [string] $_ })
            $exitCode = $LASTEXITCODE
            $exitCode | Should -Be 0 -Because ($output -join "`n")

            $json = @($output | Where-Object { $_.StartsWith('{') })
            $json | Should -Not -BeNullOrEmpty -Because ($output -join "`n")
            $result = $json[-1] | ConvertFrom-Json
            [System.IO.Path]::GetFullPath($result.ModuleBase) | Should -Be ([System.IO.Path]::GetFullPath($script:installedDirectory))
            $result.Version | Should -Be $script:version
            $result.Doubled | Should -Be @(2, 4, 6)
            $result.Synopsis | Should -Not -BeNullOrEmpty
            $result.Synopsis | Should -Be (Get-MarkdownSynopsis (Join-Path $script:root 'docs/Invoke-ProcessPoolMap.md'))

            # The new process's workers, started from the installed copy, ended with it.
            Wait-Until -TimeoutSeconds 15 { @(Get-ProcessWithCommandLine $script:installedDirectory).Count -eq 0 } |
                Should -BeTrue -Because 'no worker of the installed module outlives the process that started it'
        }
    }

    Context 'with -Certificate' {
        # Under Wine the certificate cannot be made: its bcrypt does not generate RSA keys (0xc1000002).
        It 'signs the format file and the manifest that execution policies check (Windows: Set-AuthenticodeSignature; not under Wine: no RSA key generation)' -Skip:(-not $IsWindows -or (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Wine')) {
            # A throw-away code-signing certificate with its private key.
            $rsa = [System.Security.Cryptography.RSA]::Create(2048)
            $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=ProcCmdlets test signing', $rsa,
                [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $usage = [System.Security.Cryptography.OidCollection]::new()
            $null = $usage.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.3'))
            $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usage, $false))
            $ephemeral = $request.CreateSelfSigned([DateTimeOffset]::Now.AddDays(-1), [DateTimeOffset]::Now.AddDays(1))
            $certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($ephemeral.Export('Pfx'))

            # Signing changes the files: a copy of the built module is packed.
            $copy = Join-Path $TestDrive "signed/$script:version"
            $null = New-Item -ItemType Directory -Path $copy -Force
            Copy-Item -Path (Join-Path $script:moduleDirectory '*') -Destination $copy -Recurse
            $null = & $script:packageScript -ModuleDirectory $copy -OutputDirectory (Join-Path $TestDrive 'signed-package') -Certificate $certificate

            foreach ($name in 'ProcCmdlets.Format.ps1xml', 'ProcCmdlets.psd1') {
                $signature = Get-AuthenticodeSignature -LiteralPath (Join-Path $copy $name)
                $signature.SignerCertificate.Thumbprint | Should -Be $certificate.Thumbprint -Because "$name is signed with the given certificate"
            }
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
