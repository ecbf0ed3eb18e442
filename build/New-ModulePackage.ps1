#Requires -Version 7.0
<#
.SYNOPSIS
    Packs a built module folder into a NuGet package that Install-PSResource and Save-PSResource can install.
.DESCRIPTION
    The package is made by Microsoft.PowerShell.PSResourceGet itself, which ships with PowerShell 7.4
    and later, so it has the layout and the .nuspec that PSResourceGet expects when it installs it.
    A local file repository is registered under a unique name over a new temporary folder, the
    module is published to it with Publish-PSResource, and the .nupkg it produces is copied to the
    output folder under the name PSResourceGet gives it, <Name>.<Version>.nupkg. The repository is unregistered and the temporary folder
    removed afterwards, also when publishing fails. Nothing is read from or sent to the network.
.PARAMETER ModuleDirectory
    The built module folder, the one that holds the module manifest (for example
    output/ProcCmdlets/0.1.0).
.PARAMETER OutputDirectory
    The folder the .nupkg is written to; it is created when it does not exist. A package of the
    same name already there is replaced.
.PARAMETER Certificate
    A code-signing certificate with its private key. When given, the module's format file and
    manifest are Authenticode-signed before packing, so that the AllSigned execution policy, and
    Restricted (Windows clients' default) for the format file, accept them. Signing needs
    Set-AuthenticodeSignature, which PowerShell has on Windows only. Without a certificate the files
    are left unsigned.
.PARAMETER TimestampServer
    The RFC 3161 time-stamping server used with -Certificate, so that signatures outlive the certificate.
.OUTPUTS
    System.IO.FileInfo: the package written.
.EXAMPLE
    ./build/New-ModulePackage.ps1 -ModuleDirectory ./output/ProcCmdlets/0.1.0 -OutputDirectory ./output

    Writes ./output/ProcCmdlets.0.1.0.nupkg.
#>
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param(
    [Parameter(Mandatory)]
    [string] $ModuleDirectory,

    [Parameter(Mandatory)]
    [string] $OutputDirectory,

    [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate,

    [string] $TimestampServer
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$moduleDirectory = (Resolve-Path -LiteralPath $ModuleDirectory).ProviderPath
if (-not (Test-Path -LiteralPath $moduleDirectory -PathType Container)) {
    throw "ModuleDirectory '$ModuleDirectory' is not a folder."
}

# The module's manifest: the .psd1 that has a ModuleVersion (a folder may hold other data files).
$manifestPath = $null
$manifest = $null
foreach ($candidate in Get-ChildItem -LiteralPath $moduleDirectory -Filter '*.psd1' -File) {
    $data = Import-PowerShellDataFile -LiteralPath $candidate.FullName
    if ($data.ContainsKey('ModuleVersion')) {
        if ($manifestPath) {
            throw "'$moduleDirectory' holds more than one module manifest: '$manifestPath' and '$($candidate.FullName)'."
        }

        $manifestPath = $candidate.FullName
        $manifest = $data
    }
}

if (-not $manifestPath) {
    throw "No module manifest (a .psd1 with a ModuleVersion) was found in '$moduleDirectory'."
}

$moduleName = [System.IO.Path]::GetFileNameWithoutExtension($manifestPath)
$version = [string] $manifest.ModuleVersion

$psResourceGet = Get-Module -ListAvailable -Name Microsoft.PowerShell.PSResourceGet |
    Sort-Object Version -Descending |
    Select-Object -First 1
if (-not $psResourceGet) {
    throw 'Microsoft.PowerShell.PSResourceGet is not available. It ships with PowerShell 7.4 and later.'
}

Import-Module $psResourceGet -ErrorAction Stop

if ($Certificate) {
    if (-not (Get-Command Set-AuthenticodeSignature -ErrorAction SilentlyContinue)) {
        throw 'Signing needs Set-AuthenticodeSignature, which PowerShell has on Windows only.'
    }

    # The files PowerShell checks against the execution policy at import: the format file (refused
    # unsigned under Restricted and AllSigned) and the manifest (under AllSigned).
    $toSign = @(Get-ChildItem -LiteralPath $moduleDirectory -File | Where-Object Extension -in '.ps1xml', '.psd1')
    $signing = @{ Certificate = $Certificate; HashAlgorithm = 'SHA256' }
    if ($TimestampServer) { $signing.TimestampServer = $TimestampServer }
    foreach ($file in $toSign) {
        $signature = Set-AuthenticodeSignature -LiteralPath $file.FullName @signing
        if ($signature.Status -ne 'Valid') {
            throw "Signing '$($file.FullName)' failed: $($signature.Status) $($signature.StatusMessage)"
        }
    }
}

$null = New-Item -ItemType Directory -Path $OutputDirectory -Force
$outputDirectory = (Resolve-Path -LiteralPath $OutputDirectory).ProviderPath

$repositoryName = "$moduleName-Package-$([guid]::NewGuid().ToString('N'))"
$repositoryPath = Join-Path ([System.IO.Path]::GetTempPath()) $repositoryName
$registered = $false
try {
    $null = New-Item -ItemType Directory -Path $repositoryPath
    Register-PSResourceRepository -Name $repositoryName -Uri $repositoryPath -Trusted -ErrorAction Stop
    $registered = $true

    Write-Verbose "Publishing $moduleName $version from '$moduleDirectory' to the temporary repository '$repositoryName' ($repositoryPath)."
    Publish-PSResource -Path $moduleDirectory -Repository $repositoryName -ErrorAction Stop

    $produced = @(Get-ChildItem -LiteralPath $repositoryPath -Filter '*.nupkg' -File)
    if ($produced.Count -ne 1) {
        throw "Publish-PSResource produced $($produced.Count) packages in '$repositoryPath'; expected one."
    }

    # PSResourceGet names it <Name>.<Version>[-<Prerelease>].nupkg, the version normalized as NuGet does.
    $destination = Join-Path $outputDirectory $produced[0].Name
    Copy-Item -LiteralPath $produced[0].FullName -Destination $destination -Force
}
finally {
    if ($registered) {
        Unregister-PSResourceRepository -Name $repositoryName -ErrorAction Continue
    }

    if (Test-Path -LiteralPath $repositoryPath) {
        Remove-Item -LiteralPath $repositoryPath -Recurse -Force -ErrorAction Continue
    }
}

Write-Verbose "Wrote $destination"
Get-Item -LiteralPath $destination
