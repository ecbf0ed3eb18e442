#Requires -Version 7.0
# Start-WorkerProcess [Process(target, args, name).start()]

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-ProcCmdletsForTest
}

AfterAll {
    Assert-NoWorkerLeft
}

Describe 'Start-WorkerProcess' {
    AfterEach {
        Clear-TestWorker
    }

    Context 'starting a worker' {
        It 'returns at once a running WorkerProcess job whose ProcessId is not the session''s' {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $worker = Start-WorkerProcess { Start-Sleep -Seconds 30 }
            $stopwatch.Stop()

            $worker | Should -BeOfType ([ProcCmdlets.WorkerProcess])
            $worker | Should -BeOfType ([System.Management.Automation.Job2])
            $worker.PSJobTypeName | Should -Be 'WorkerProcess'
            $worker.State | Should -Be 'Running'
            $worker.ExitCode | Should -BeNullOrEmpty
            $worker.ProcessId | Should -BeGreaterThan 0
            $worker.ProcessId | Should -Not -Be $PID
            # The script sleeps 30 s; a start that waited for it would take that long.
            $stopwatch.Elapsed.TotalSeconds | Should -BeLessThan 20

            Stop-WorkerProcess -Worker $worker -Force
        }

        It 'runs the script block in another process' {
            $worker = Start-WorkerProcess { $PID }
            $reported = $worker | Wait-WorkerProcess

            $reported | Should -Be $worker.ProcessId
            $reported | Should -Not -Be $PID
        }

        It 'adds the worker to the session''s job repository' {
            $worker = Start-WorkerProcess { 'in the repository' }

            $job = Get-Job -Id $worker.Id
            $job.InstanceId | Should -Be $worker.InstanceId
            $job.PSJobTypeName | Should -Be 'WorkerProcess'
            $worker | Wait-WorkerProcess | Should -Be 'in the repository'
        }

        It 'names a worker ''Worker'' followed by its job id by default' {
            $worker = Start-WorkerProcess { 1 }

            $worker.Name | Should -Be "Worker$($worker.Id)"
            $worker | Wait-WorkerProcess | Should -Be 1
        }

        It 'gives the worker the name passed to -Name' {
            $worker = Start-WorkerProcess -Name 'StartTestNamed' -ScriptBlock { 'named' }

            $worker.Name | Should -Be 'StartTestNamed'
            (Get-WorkerProcess -Name 'StartTestNamed').Id | Should -Be $worker.Id
            Wait-WorkerProcess -Name 'StartTestNamed' | Should -Be 'named'
        }
    }

    Context 'passing values to the script block' {
        It 'binds -ArgumentList values to the param block in order' {
            $worker = Start-WorkerProcess -ArgumentList 6, 7, 'x' -ScriptBlock {
                param($First, $Second, $Third)
                "$Third=$($First * $Second)"
            }

            $worker | Wait-WorkerProcess | Should -Be 'x=42'
        }

        It 'passes -ArgumentList values through $args' {
            $worker = Start-WorkerProcess -ArgumentList 'a', 'b', 'c' -ScriptBlock { $args.Count; $args -join '-' }

            $worker | Wait-WorkerProcess | Should -Be @(3, 'a-b-c')
        }

        It 'carries arrays, hashtables and dates as live values' {
            $date = [datetime]::new(2024, 2, 29, 12, 30, 0, [System.DateTimeKind]::Utc)
            $worker = Start-WorkerProcess -ArgumentList @(@(1, 2, 3), @{ Key = 'value' }, $date) -ScriptBlock {
                param($Array, $Table, $When)
                [pscustomobject]@{
                    Sum      = ($Array | Measure-Object -Sum).Sum
                    Value    = $Table['Key']
                    Year     = $When.Year
                    DateType = $When.GetType().FullName
                }
            }

            $result = $worker | Wait-WorkerProcess
            $result.Sum | Should -Be 6
            $result.Value | Should -Be 'value'
            $result.Year | Should -Be 2024
            $result.DateType | Should -Be 'System.DateTime'
        }

        It 'passes pipeline input to $input' {
            $worker = 1, 2, 3 | Start-WorkerProcess { $input | ForEach-Object { $_ * 10 } }

            $worker | Should -HaveCount 1
            $worker | Wait-WorkerProcess | Should -Be @(10, 20, 30)
        }

        It 'passes pipeline input to the process block' {
            $worker = 'a', 'b' | Start-WorkerProcess {
                begin { 'begin' }
                process { "item $_" }
                end { 'end' }
            }

            $worker | Wait-WorkerProcess | Should -Be @('begin', 'item a', 'item b', 'end')
        }

        It 'passes -InputObject to $input' {
            $worker = Start-WorkerProcess -InputObject 'single' -ScriptBlock { $input | ForEach-Object { "got $_" } }

            $worker | Wait-WorkerProcess | Should -Be 'got single'
        }

        It 'reads $using: variables from the caller''s scope' {
            $greeting = 'hello'
            $numbers = 1, 2, 3
            $worker = Start-WorkerProcess { "$using:greeting $(($using:numbers | Measure-Object -Sum).Sum)" }

            $worker | Wait-WorkerProcess | Should -Be 'hello 6'
        }
    }

    Context 'setting up the worker' {
        It 'makes the -InitializationScript functions visible to the script block' {
            $worker = Start-WorkerProcess -InitializationScript {
                function Get-Doubled([int] $Value) { $Value * 2 }
                $initialized = 'yes'
            } -ScriptBlock { Get-Doubled 21; $initialized }

            $worker | Wait-WorkerProcess | Should -Be @(42, 'yes')
        }

        It 'starts the worker in -WorkingDirectory' {
            $directory = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'work dir')).FullName
            $worker = Start-WorkerProcess -WorkingDirectory $directory -ScriptBlock { (Get-Location).Path }

            $worker | Wait-WorkerProcess | Should -Be $directory
        }

        It 'starts the worker in the session''s current location by default' {
            $directory = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'current')).FullName
            Push-Location -LiteralPath $directory
            try {
                $worker = Start-WorkerProcess { (Get-Location).Path }
            }
            finally {
                Pop-Location
            }

            $worker | Wait-WorkerProcess | Should -Be $directory
        }

        It 'refuses a missing -WorkingDirectory with WorkingDirectoryNotFound' {
            $missing = Join-Path $TestDrive 'does-not-exist'
            $before = @(Get-WorkerProcess).Count

            { Start-WorkerProcess -WorkingDirectory $missing -ScriptBlock { 1 } } |
                Should -Throw -ErrorId 'WorkingDirectoryNotFound,*'
            @(Get-WorkerProcess).Count | Should -Be $before
        }

        It 'sets -Environment variables in the worker only' {
            $name = 'PROCCMDLETS_TEST_ENV'
            Remove-Item -Path "Env:$name" -ErrorAction SilentlyContinue
            $worker = Start-WorkerProcess -Environment @{ $name = 'from test' } -ScriptBlock {
                [Environment]::GetEnvironmentVariable('PROCCMDLETS_TEST_ENV')
            }

            $worker | Wait-WorkerProcess | Should -Be 'from test'
            [Environment]::GetEnvironmentVariable($name) | Should -BeNullOrEmpty
        }

        It 'gives the worker the session''s environment variables' {
            $env:PROCCMDLETS_TEST_INHERITED = 'inherited'
            try {
                $worker = Start-WorkerProcess { $env:PROCCMDLETS_TEST_INHERITED }
                $worker | Wait-WorkerProcess | Should -Be 'inherited'
            }
            finally {
                Remove-Item Env:PROCCMDLETS_TEST_INHERITED -ErrorAction SilentlyContinue
            }
        }
    }

    Context 'streaming' {
        It 'sends records to the session as they are written, before the worker ends' {
            $worker = Start-WorkerProcess { 'first'; Start-Sleep -Seconds 20; 'last' }
            try {
                $received = [System.Collections.Generic.List[object]]::new()
                $arrived = Wait-Until -TimeoutSeconds 15 {
                    foreach ($item in (Receive-WorkerProcess -Worker $worker)) { $received.Add($item) }
                    $received -contains 'first'
                }

                $arrived | Should -BeTrue
                $received | Should -Be @('first')
                $worker.State | Should -Be 'Running'
            }
            finally {
                Stop-WorkerProcess -Worker $worker -Force
            }
        }
    }

    Context 'the parent process dies' {
        It 'ends the worker within a few seconds after its PowerShell process is killed' {
            # A separate PowerShell process starts a worker, then is killed with SIGKILL.
            $command = '$ProcCmdletsWarmSpare = $false; Import-Module ''{0}''; $w = Start-WorkerProcess {{ Start-Sleep -Seconds 60 }}; [Console]::Out.WriteLine($w.ProcessId); [Console]::Out.Flush(); Start-Sleep -Seconds 60' -f
                (Get-ProcCmdletsModulePath)
            $startInfo = New-PwshStartInfo '-Command', $command
            # Under Wine a pwsh.exe session with neither a terminal nor a redirected standard input does not start.
            $startInfo.RedirectStandardInput = $true
            $parent = [System.Diagnostics.Process]::Start($startInfo)
            $null = $parent.StandardError.ReadToEndAsync()
            $workerPid = 0
            try {
                $line = $parent.StandardOutput.ReadLineAsync()
                $line.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue
                $workerPid = [int] $line.Result
                Test-ProcessAlive -ProcessId $workerPid | Should -BeTrue

                $parent.Kill()
                $parent.WaitForExit(10000) | Should -BeTrue

                Wait-Until -TimeoutSeconds 15 { -not (Test-ProcessAlive -ProcessId $workerPid) } | Should -BeTrue
            }
            finally {
                if (-not $parent.HasExited) { $parent.Kill($true) }
                if ($workerPid -and (Test-ProcessAlive -ProcessId $workerPid)) {
                    Stop-Process -Id $workerPid -Force -ErrorAction SilentlyContinue
                }
                $parent.Dispose()
            }
        }
    }

    Context 'session functions' {
        It 'defines a session function the script block calls' {
            function Get-Answer { 42 }

            $worker = Start-WorkerProcess { Get-Answer }
            Wait-WorkerProcess -Worker $worker -Timeout 60 | Should -Be 42
        }

        It 'refuses a -Function name the session does not define' {
            { Start-WorkerProcess { 1 } -Function 'No-SuchFunction' } | Should -Throw -ErrorId 'CommandNotCarried,*'
        }
    }

    Context 'cleanup' {
        It 'leaves no worker process behind' {
            Assert-NoWorkerLeft
        }
    }
}
