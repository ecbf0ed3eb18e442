#Requires -Version 7.0
# Platform behaviour: a worker's children end with it, the pwsh bootstrap in ConstrainedLanguage,
# a byte-order mark before the first frame, the worker built for an older runtime, and what only
# Windows or Windows PowerShell can show (skipped elsewhere, the platform named).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
    $script:moduleBase = (Get-Module ProcCmdlets).ModuleBase
    $script:assembly = [ProcCmdlets.Commands.ModuleLifetime].Assembly

    # A command that starts a long-lived child process and prints its id.
    $script:startChild = if ($IsWindows) {
        { (Start-Process -FilePath "$env:SystemRoot\System32\ping.exe" -ArgumentList '-n', '300', '127.0.0.1' -WindowStyle Hidden -PassThru).Id }
    }
    else {
        { (Start-Process -FilePath sleep -ArgumentList 300 -PassThru).Id }
    }

    # A RunScript frame, as the session writes it, for a script with no setup and no arguments.
    function New-RunScriptFrame([string] $Script) {
        $flags = [System.Reflection.BindingFlags]'Instance,Public,NonPublic'
        $writer = [Activator]::CreateInstance($script:assembly.GetType('ProcCmdlets.Channel.PayloadWriter'), $flags, $null, @(256), $null)
        $setup = [Activator]::CreateInstance($script:assembly.GetType('ProcCmdlets.Channel.Protocol.WorkerSetup'), $true)
        $run = [Activator]::CreateInstance($script:assembly.GetType('ProcCmdlets.Channel.Protocol.RunScript'), $flags, $null, @($setup, $Script, $null, $null, $false, [System.Management.Automation.PSLanguageMode]::FullLanguage), $null)
        $null = $run.GetType().GetMethod('Write').Invoke($run, @($writer))
        [byte[]] $payload = $writer.GetType().GetMethod('ToArray').Invoke($writer, @())
        $kind = [byte][int][Enum]::Parse($script:assembly.GetType('ProcCmdlets.Channel.FrameKind'), 'RunScript')
        [byte[]] ([BitConverter]::GetBytes([uint32]($payload.Length + 1)) + $kind + $payload)
    }

    # Starts a worker program by hand, writes the given bytes as its channel input, and returns
    # its exit code once it ends (the channel stays open until then, unless -CloseInput).
    function Invoke-WorkerByHand([string] $FileName, [string[]] $Arguments, [byte[]] $Bytes, [switch] $CloseInput) {
        $info = [System.Diagnostics.ProcessStartInfo]::new($FileName)
        foreach ($argument in $Arguments) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.Environment['DOTNET_EnableDiagnostics'] = '0'
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $stdout = $process.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)
            $stderr = $process.StandardError.ReadToEndAsync()
            $process.StandardInput.BaseStream.Write($Bytes, 0, $Bytes.Length)
            $process.StandardInput.BaseStream.Flush()
            if ($CloseInput) { $process.StandardInput.Dispose() }
            if (-not $process.WaitForExit(60000)) { $process.Kill(); throw 'The worker did not exit.' }
            $process.StandardInput.Dispose()
            $null = $stdout.Wait(10000)
            [pscustomobject]@{ ExitCode = $process.ExitCode; Errors = $stderr.Result }
        }
        finally {
            $process.Dispose()
        }
    }

    # The pwsh running these tests, as a file name and leading arguments.
    $script:pwsh = [Environment]::ProcessPath
    $script:pwshArguments = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($script:pwsh) -eq 'dotnet') {
        $script:pwshArguments = @('exec', (Join-Path $PSHOME 'pwsh.dll'))
    }

    function Get-Bootstrap([bool] $SkipByteOrderMark) {
        $planner = $script:assembly.GetType('ProcCmdlets.Transport.StartPlanner')
        $os = $script:assembly.GetType('ProcCmdlets.Channel.OSFamilies').GetProperty('Current', [System.Reflection.BindingFlags]'Static,Public,NonPublic').GetValue($null)
        $planner.GetMethod('Bootstrap').Invoke($null, @($script:moduleBase, $os, $SkipByteOrderMark))
    }
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Platforms: a worker''s children end with it' {
    AfterEach {
        Clear-TestWorker
    }

    It 'ends the child process a worker started when Stop-WorkerProcess -Force kills the worker' {
        $childFile = Join-Path $TestDrive 'force.pid'
        $start = $script:startChild
        $worker = Start-WorkerProcess { Set-Content -LiteralPath $using:childFile -Value (& ([scriptblock]::Create($using:start))); 'started'; Start-Sleep -Seconds 300 }
        Wait-Until -TimeoutSeconds 60 { $worker.HasMoreData } | Should -BeTrue
        $childId = [int] (Get-Content -LiteralPath $childFile)
        Test-ProcessAlive -ProcessId $childId | Should -BeTrue

        Stop-WorkerProcess -Worker $worker -Force

        Wait-Until -TimeoutSeconds 20 { -not (Test-ProcessAlive -ProcessId $childId) } | Should -BeTrue
        Test-ProcessAlive -ProcessId $worker.ProcessId | Should -BeFalse
    }

    It 'Unix: ends the child process of a worker whose session is killed (kill -9): the worker ends its process group' -Skip:($IsWindows) {
        $childFile = Join-Path $TestDrive 'session-death-unix.pid'
        $script = "Import-Module '$((Get-Module ProcCmdlets).Path)'; `$w = Start-WorkerProcess { Set-Content -LiteralPath '$childFile' -Value (Start-Process -FilePath sleep -ArgumentList 300 -PassThru).Id; Start-Sleep 300 }; Start-Sleep 300"
        $session = Start-Process -FilePath $script:pwsh -ArgumentList ($script:pwshArguments + '-NoProfile', '-Command', $script) -PassThru
        try {
            Wait-Until -TimeoutSeconds 60 { (Test-Path -LiteralPath $childFile) -and (Get-Content -LiteralPath $childFile) } | Should -BeTrue
            $childId = [int] (Get-Content -LiteralPath $childFile)
            Test-ProcessAlive -ProcessId $childId | Should -BeTrue
            & kill -9 $session.Id

            Wait-Until -TimeoutSeconds 20 { -not (Test-ProcessAlive -ProcessId $childId) } | Should -BeTrue
        }
        finally {
            if (-not $session.HasExited) { $session.Kill() }
        }
    }

    It 'Unix: leaves running the program a worker started when the worker finishes its script, as a shell does' -Skip:($IsWindows) {
        $childFile = Join-Path $TestDrive 'finished.pid'
        $start = $script:startChild
        $worker = Start-WorkerProcess { Set-Content -LiteralPath $using:childFile -Value (& ([scriptblock]::Create($using:start))) }
        $null = Wait-WorkerProcess -Worker $worker -Timeout 60
        $childId = [int] (Get-Content -LiteralPath $childFile)
        try {
            Test-ProcessAlive -ProcessId $childId | Should -BeTrue
        }
        finally {
            Stop-Process -Id $childId -ErrorAction SilentlyContinue
        }
    }

    It 'ends the child process of a worker killed by a map''s -TimeoutSeconds' {
        $childFile = Join-Path $TestDrive 'timeout.pid'
        $start = $script:startChild
        $null = 1 | Invoke-ProcessPoolMap {
            Set-Content -LiteralPath $using:childFile -Value (& ([scriptblock]::Create($using:start)))
            Start-Sleep -Seconds 300
        } -ProcessCount 1 -TimeoutSeconds 5 -ErrorAction SilentlyContinue -ErrorVariable failures

        $failures | Should -Not -BeNullOrEmpty
        $childId = [int] (Get-Content -LiteralPath $childFile)
        Wait-Until -TimeoutSeconds 20 { -not (Test-ProcessAlive -ProcessId $childId) } | Should -BeTrue
    }
}

Describe 'Platforms: the pwsh bootstrap' {
    It 'names only the module''s assembly and a command: no Add-Type, no static call' {
        $bootstrap = Get-Bootstrap $false
        $bootstrap | Should -BeLike "Import-Module -Name '*ProcCmdlets.dll'; Invoke-ProcCmdletsWorker"
        $bootstrap | Should -Not -BeLike '*Add-Type*'
        $bootstrap | Should -Not -BeLike '*::*'
    }

    It 'starts a worker in ConstrainedLanguage that skips a leading byte-order mark' {
        $bootstrap = (Get-Bootstrap $true).Replace("'", "''")
        $command = "`$ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage'; Invoke-Expression '$bootstrap'"
        $bom = [byte[]] (0xEF, 0xBB, 0xBF)
        $result = Invoke-WorkerByHand $script:pwsh ($script:pwshArguments + '-NoProfile', '-NonInteractive', '-Command', $command) ($bom + (New-RunScriptFrame 'exit 7'))
        $result.ExitCode | Should -Be 7 -Because $result.Errors
    }

    It 'reads the same byte-order mark as the start of a frame length when the session does not say one may come' {
        $bootstrap = (Get-Bootstrap $false).Replace("'", "''")
        $bom = [byte[]] (0xEF, 0xBB, 0xBF)
        # The worker waits for a frame of 12.5 MB or more; closing the channel ends it without running the script.
        $result = Invoke-WorkerByHand $script:pwsh ($script:pwshArguments + '-NoProfile', '-NonInteractive', '-Command', "Invoke-Expression '$bootstrap'") ($bom + (New-RunScriptFrame 'exit 7')) -CloseInput
        # A channel that ends inside a frame is a corrupt one: the worker says why and ends, with the
        # status of a worker that failed (WorkerFailure: 65 on Windows; on Unix it ends its own
        # process group with it, SIGKILL, 137).
        $failed = if ($IsWindows) { 65 } else { 137 }
        $result.ExitCode | Should -Be $failed -Because 'a channel that ends mid-frame ends the worker without running the script'
    }
}

Describe 'Platforms: worker builds per runtime' {
    It 'ships a worker for net8.0 (PowerShell 7.4) and net10.0' {
        Join-Path $script:moduleBase 'worker/net8.0/ProcCmdlets.Worker.dll' | Should -Exist
        Join-Path $script:moduleBase 'worker/net10.0/ProcCmdlets.Worker.dll' | Should -Exist
    }

    # A self-contained pwsh (the Wine lane's) has no shared runtime to run it on.
    It 'runs the net8.0 worker (rolled forward to this runtime) with the module''s own assembly (not on a self-contained pwsh)' -Skip:([Environment]::Version.Major -lt 8 -or [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory().TrimEnd('/', '\') -eq $PSHOME.TrimEnd('/', '\')) {
        # .../shared/Microsoft.NETCore.App/<version>/ is three folders below the dotnet executable.
        $runtime = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory().TrimEnd('/', '\')
        $muxer = Join-Path (Split-Path (Split-Path (Split-Path $runtime))) ($IsWindows ? 'dotnet.exe' : 'dotnet')
        $worker = Join-Path $script:moduleBase 'worker/net8.0/ProcCmdlets.Worker.dll'
        $result = Invoke-WorkerByHand $muxer @('exec', $worker, $PSHOME) (New-RunScriptFrame 'exit ([System.AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq ''ProcCmdlets'' }).Location -like ''*worker*'' ? 3 : 8)')
        $result.ExitCode | Should -Be 8 -Because $result.Errors
    }
}

Describe 'Platforms: the runtime a worker runs on' {
    AfterEach {
        Clear-TestWorker
    }

    It 'runs a worker on the session''s runtime and frameworks, whatever older runtime is installed beside it' {
        # The frameworks are the shared ones the host resolved (name/version), none for a self-contained pwsh.
        $probe = {
            [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
            $frameworks = foreach ($file in ([AppContext]::GetData('APP_CONTEXT_DEPS_FILES') -split ';')) {
                if ($file -match '[\\/]shared[\\/]([^\\/]+[\\/][^\\/]+)[\\/]') { $Matches[1] -replace '\\', '/' }
            }
            "frameworks: $(($frameworks | Sort-Object) -join ',')"
        }
        $session = & $probe
        $worker = Start-WorkerProcess $probe | Wait-WorkerProcess -Timeout 60
        $worker | Should -Be $session
    }

    It 'ends a worker at once after its last frame: a script''s ProcessExit handler does not run' {
        $marker = Join-Path $TestDrive 'process-exit.txt'
        # Compiled here and only loaded in the worker: the bundled worker program's Add-Type cannot
        # compile (it looks for the engine's reference assemblies beside the program, not in $PSHOME).
        $probe = Join-Path $TestDrive 'ExitProbe.dll'
        Add-Type -OutputAssembly $probe -TypeDefinition 'public static class ExitProbe { public static void Arm(string path) { System.AppDomain.CurrentDomain.ProcessExit += (s, e) => System.IO.File.WriteAllText(path, "ran"); } }'
        $arm = [scriptblock]::Create(@"
`$null = [System.Reflection.Assembly]::LoadFrom('$probe')
[ExitProbe]::Arm('$marker')
'armed'
"@)
        $worker = Start-WorkerProcess $arm
        $worker | Wait-WorkerProcess -Timeout 60 | Should -Be 'armed'
        Wait-Until -TimeoutSeconds 30 { -not (Test-ProcessAlive -ProcessId $worker.ProcessId) } | Should -BeTrue
        $marker | Should -Not -Exist
    }
}

Describe 'Platforms: Windows only' {
    AfterEach {
        Clear-TestWorker
    }

    It 'Windows: worker runspaces are STA' -Skip:(-not $IsWindows) {
        $worker = Start-WorkerProcess { [System.Threading.Thread]::CurrentThread.GetApartmentState().ToString() }
        $worker | Wait-WorkerProcess -Timeout 60 | Should -Be 'STA'
    }

    It 'Windows: non-ASCII console text from a native program arrives intact (UTF-8 relay)' -Skip:(-not $IsWindows) {
        # By full path: PowerShell's command lookup does not find system32's programs under Wine.
        $worker = Start-WorkerProcess { & "$env:SystemRoot\System32\cmd.exe" /c 'echo Grüße 東京 1>&2' }
        $text = $worker | Wait-WorkerProcess -Timeout 60 *>&1 | Out-String
        $text | Should -BeLike '*Grüße 東京*'
    }

    It 'Windows: the C runtime''s descriptor 1 in a worker stays valid, its text arriving as console output, not in the channel' -Skip:(-not $IsWindows) {
        $worker = Start-WorkerProcess {
            Add-Type -TypeDefinition @'
public static class CrtProbe
{
    [System.Runtime.InteropServices.DllImport("ucrtbase.dll", CallingConvention = System.Runtime.InteropServices.CallingConvention.Cdecl)]
    private static extern int _write(int fd, byte[] buffer, uint count);

    public static int Write(string text)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);
        return _write(1, bytes, (uint)bytes.Length);
    }
}
'@
            "written $([CrtProbe]::Write("crt-descriptor-text`n"))"
        }
        $output = $worker | Wait-WorkerProcess -Timeout 60 *>&1 | ForEach-Object { "$_" }
        $output | Should -Contain 'written 20' -Because 'descriptor 1 writes to standard error instead of failing on a closed handle'
        ($output -join "`n") | Should -BeLike '*crt-descriptor-text*'
        $worker.ExitCode | Should -Be 0
    }

    It 'Windows: a worker''s programs read NUL as standard input (not under Wine: it has no more.com)' -Skip:(-not $IsWindows -or (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Wine')) {
        $worker = Start-WorkerProcess { (& "$env:SystemRoot\System32\cmd.exe" /c 'more') -join ''; "exit $LASTEXITCODE" }
        $worker | Wait-WorkerProcess -Timeout 60 | Should -Contain 'exit 0'
    }

    It 'Windows: the worker''s Job object ends its children when the session process dies' -Skip:(-not $IsWindows) {
        $childFile = Join-Path $TestDrive 'session-death.pid'
        $script = "Import-Module '$((Get-Module ProcCmdlets).Path)'; `$w = Start-WorkerProcess { Set-Content -LiteralPath '$childFile' -Value (Start-Process `$env:SystemRoot\System32\ping.exe -ArgumentList '-n','300','127.0.0.1' -WindowStyle Hidden -PassThru).Id; Start-Sleep 300 }; Start-Sleep 300"
        # All three standard streams redirected: under Wine a pwsh.exe session with neither a terminal
        # nor a redirected standard input does not start.
        $info = [System.Diagnostics.ProcessStartInfo]::new($script:pwsh)
        foreach ($argument in $script:pwshArguments + '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($argument) }
        $info.UseShellExecute = $false
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $session = [System.Diagnostics.Process]::Start($info)
        $null = $session.StandardOutput.ReadToEndAsync()
        $null = $session.StandardError.ReadToEndAsync()
        try {
            Wait-Until -TimeoutSeconds 60 { (Test-Path -LiteralPath $childFile) -and (Get-Content -LiteralPath $childFile) } | Should -BeTrue
            $childId = [int] (Get-Content -LiteralPath $childFile)
            $session.Kill()
            Wait-Until -TimeoutSeconds 20 { -not (Test-ProcessAlive -ProcessId $childId) } | Should -BeTrue
        }
        finally {
            if (-not $session.HasExited) { $session.Kill() }
        }
    }

    It 'Windows PowerShell 5.1: imports, runs a map, a worker and a pool through powershell.exe' -Skip:(-not ($IsWindows -and (Get-Command powershell.exe -ErrorAction Ignore))) {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$((Get-Module ProcCmdlets).Path)'
(1..4 | Invoke-ProcessPoolMap { `$_ * 2 } -ProcessCount 2) -join ','
`$w = Start-WorkerProcess { `$PSVersionTable.PSEdition }
`$w | Wait-WorkerProcess -Timeout 60
`$pool = New-ProcessPool -ProcessCount 2
(1, 2 | Invoke-ProcessPoolMap -Pool `$pool { `$_ + 1 }) -join ','
Remove-ProcessPool -Pool `$pool
"@
        $output = powershell.exe -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $output | Should -Contain '2,4,6,8'
        $output | Should -Contain 'Desktop'
        $output | Should -Contain '2,3'
    }
}

Describe 'Platforms: cleanup' {
    It 'leaves no worker process behind' {
        Assert-NoWorkerLeft
    }
}
