using System;
using System.Collections;
using System.Collections.Generic;
using ProcCmdlets.Channel;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Pools;

using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Runs a script block once for each input item in a pool's workers [map, imap, imap_unordered, starmap].</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ProcessPoolMap")]
    [OutputType(typeof(PSObject), typeof(ProcessPoolMapJob))]
    public sealed class InvokeProcessPoolMapCommand : ProcCmdletBase
    {
        private ProcessPool? _temporary;

        // Without -AsJob the driver runs the map as items come; with it, the items are collected for the job.
        private MapDriver? _driver;
        private ProcessPool? _pool;
        private MapResult? _result;
        private List<KeyValuePair<object?, byte[]>>? _jobItems;
        private PayloadWriter? _jobEncoder;

        /// <summary>The script block to run for each item.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        /// <summary>The items to run the script block for.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The pool whose workers run the items: a <c>ProcessPool</c> object from <c>New-ProcessPool</c> or <c>Get-ProcessPool</c>, or a pool's name (press Tab to complete it).</summary>
        [Parameter]
        [PoolArgument]
        [ArgumentCompleter(typeof(PoolNameCompleter))]
        public ProcessPool? Pool { get; set; }

        /// <summary>The number of workers of the temporary pool, used when <c>-Pool</c> is not given [processes].</summary>
        [Parameter]
        [Alias("ThrottleLimit")]
        [ValidateRange(1, int.MaxValue)]
        public int ProcessCount { get; set; } = Environment.ProcessorCount;

        /// <summary>The number of items sent to a worker at a time [chunksize].</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ChunkSize { get; set; }

        /// <summary>Writes each item's results as soon as the item finishes, instead of in input order [imap_unordered].</summary>
        [Parameter]
        public SwitchParameter Unordered { get; set; }

        /// <summary>Splats each item into the script block's parameters [starmap]: an array's elements become positional arguments, and a hashtable's entries become named parameters.</summary>
        [Parameter]
        public SwitchParameter Splat { get; set; }

        /// <summary>Values passed to the script block after the item, as positional arguments.</summary>
        [Parameter]
        [Alias("Args")]
        public object[]? ArgumentList { get; set; }

        /// <summary>A script block that runs once in each worker of the temporary pool, before its first item [initializer]; the functions and variables it defines are visible to the items.</summary>
        [Parameter]
        public ScriptBlock? InitializationScript { get; set; }

        /// <summary>The longest time one item may run, in seconds.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int TimeoutSeconds { get; set; }

        /// <summary>Names of session functions (or filters) to define in each worker, once, before its first item, in addition to those the script block calls by name, which are carried without being named.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Function { get; set; }

        /// <summary>Modules to import in each worker before its first item, in addition to those whose commands the script block calls by name: a module's name (imported from the worker's <c>PSModulePath</c>, or from the file the session loaded it from) or the path of a <c>.psd1</c>, <c>.psm1</c> or <c>.dll</c> file.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Module { get; set; }

        /// <summary>Returns at once with a job instead of writing the results [map_async].</summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>Takes the pool (or starts a temporary one) and prepares the task; the map starts with the first item.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            PreparedScript script = PreparedScript.FromCaller(ScriptBlock, this);
            ProcessPool? pool = Pool;
            DefineCode code = pool != null ? SessionCode.Resolve(this, new[] { ScriptBlock }, Function, Module)
                : SessionCode.Resolve(this, new[] { ScriptBlock }, null, null);
            if (pool != null)
            {
                if (pool.State != PoolState.Running)
                {
                    ThrowTerminatingError(Errors.PoolRemoved(pool.Name, pool));
                }

                if (InitializationScript != null)
                {
                    ThrowTerminatingError(Errors.Create(new ArgumentException("-InitializationScript starts the workers of a temporary pool; give it to New-ProcessPool for a pool of your own."),
                        "InitializationScriptWithPool", ErrorCategory.InvalidArgument, InitializationScript));
                }
            }
            else
            {
                pool = _temporary = PoolFactory.Create(this, new PoolSpec { ProcessCount = ProcessCount, Name = "Map", Initialization = InitializationScript, Functions = Function, Modules = Module });
            }

            TaskMode mode = Splat ? TaskMode.Splat
                : script.CanInline && (ArgumentList == null || ArgumentList.Length == 0) ? TaskMode.Inline
                : TaskMode.Positional;
            PoolTask task = PoolFactory.NewTask(this, pool, mode, script, ArgumentList, code);
            var result = new MapResult(task, MyInvocation.BoundParameters.ContainsKey(nameof(ChunkSize)) ? ChunkSize : 0, TimeoutSeconds, Unordered);
            if (AsJob)
            {
                // Pipeline input ends with this command, so the job's input is collected here first.
                _pool = pool;
                _result = result;
                _jobItems = new List<KeyValuePair<object?, byte[]>>();
                _jobEncoder = new PayloadWriter();
                return;
            }

            _driver = new MapDriver(this, pool, result, progress: true, Cancellation);
        }

        /// <summary>Queues the input items (a collection given to -InputObject item by item).</summary>
        protected override void ProcessRecord()
        {
            if (MyInvocation.ExpectingInput)
            {
                Add(InputObject);
                return;
            }

            if (!MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
            {
                return;
            }

            // A collection given to -InputObject is enumerated, as Python's map takes an iterable.
            IEnumerable? items = LanguagePrimitives.GetEnumerable(InputObject);
            if (items == null)
            {
                Add(InputObject);
                return;
            }

            if (_driver != null)
            {
                if (items is ICollection collection)
                {
                    _driver.ExpectedCount = collection.Count;
                }

                _driver.AddAll(items);
                return;
            }

            foreach (object? item in items)
            {
                Add(item);
            }
        }

        private void Add(object? item)
        {
            if (_driver != null)
            {
                _driver.Add(item);
                return;
            }

            // Without a driver, BeginProcessing made the job's collections.
            _jobEncoder!.Reset();
            ShapeWriter.Current = _pool!.Core.InputShapes;
            try
            {
                ValueCodec.Write(_jobEncoder, item);
            }
            catch (ValueNotCarriedException e)
            {
                WriteError(Errors.NotCarried(e, ErrorCategory.InvalidData, item));
                return;
            }
            finally
            {
                ShapeWriter.Current = null;
            }

            _jobItems!.Add(new KeyValuePair<object?, byte[]>(item, _jobEncoder.ToArray()));
        }

        /// <summary>Waits for the map to finish, writing results as they come; with -AsJob, starts the job and writes it.</summary>
        protected override void EndProcessing()
        {
            if (_driver != null)
            {
                _driver.Complete();
                return;
            }

            // Without a driver, BeginProcessing set up the job's pool, map and items.
            ProcessPool pool = _pool!;
            ProcessPoolMapJob job;
            try
            {
                job = new ProcessPoolMapJob(ScriptBlock.ToString(), pool, _temporary != null, _result!, _jobItems!);
            }
            catch (PoolBrokenException e)
            {
                throw this.Terminate(e.Error);
            }
            catch (InvalidOperationException)
            {
                throw this.Terminate(Errors.PoolRemoved(pool.Name, pool));
            }

            // The job ends a temporary pool when it ends.
            _temporary = null;
            job.Name = "Map" + job.Id;
            ProcCmdletsJobSourceAdapter.Register(this, job);
            WriteObject(job);
        }

        /// <summary>Ends the map's driver and a temporary pool the command still owns.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _driver?.Dispose();
                _temporary?.Terminate();
            }

            base.Dispose(disposing);
        }
    }
}
