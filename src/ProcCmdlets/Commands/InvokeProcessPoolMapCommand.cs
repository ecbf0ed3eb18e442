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
        private ProcessPool _temporary;
        private MapDriver _driver;
        private ProcessPool _pool;
        private MapResult _run;
        private List<KeyValuePair<object, byte[]>> _jobItems;
        private PayloadWriter _jobEncoder;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; }

        [Parameter(ValueFromPipeline = true)]
        public PSObject InputObject { get; set; }

        [Parameter]
        [PoolArgument]
        [ArgumentCompleter(typeof(PoolNameCompleter))]
        public ProcessPool Pool { get; set; }

        [Parameter]
        [Alias("ThrottleLimit")]
        [ValidateRange(1, int.MaxValue)]
        public int ProcessCount { get; set; } = Environment.ProcessorCount;

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ChunkSize { get; set; }

        [Parameter]
        public SwitchParameter Unordered { get; set; }

        [Parameter]
        public SwitchParameter Splat { get; set; }

        [Parameter]
        [Alias("Args")]
        public object[] ArgumentList { get; set; }

        [Parameter]
        public ScriptBlock InitializationScript { get; set; }

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int TimeoutSeconds { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string[] Function { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string[] Module { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            PreparedScript script = PreparedScript.FromCaller(ScriptBlock, this);
            ProcessPool pool = Pool;
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
                pool = _temporary = PoolFactory.Create(this, ProcessCount, "Map", InitializationScript, null, 0, Function, Module);
            }

            TaskMode mode = Splat ? TaskMode.Splat
                : script.CanInline && (ArgumentList == null || ArgumentList.Length == 0) ? TaskMode.Inline
                : TaskMode.Positional;
            PoolTask task = PoolFactory.NewTask(this, pool, mode, script, ArgumentList, code);
            var run = new MapResult(task, MyInvocation.BoundParameters.ContainsKey(nameof(ChunkSize)) ? ChunkSize : 0, TimeoutSeconds, Unordered);
            if (AsJob)
            {
                // Pipeline input ends with this command, so the job's input is collected here first.
                _pool = pool;
                _run = run;
                _jobItems = new List<KeyValuePair<object, byte[]>>();
                _jobEncoder = new PayloadWriter();
                return;
            }

            _driver = new MapDriver(this, pool, run, Cancellation, progress: true);
        }

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
            IEnumerable items = LanguagePrimitives.GetEnumerable(InputObject);
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

            foreach (object item in items)
            {
                Add(item);
            }
        }

        private void Add(object item)
        {
            if (_driver != null)
            {
                _driver.Add(item);
                return;
            }

            _jobEncoder.Reset();
            ShapeWriter.Current = _pool.Core.InputShapes;
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

            _jobItems.Add(new KeyValuePair<object, byte[]>(item, _jobEncoder.ToArray()));
        }

        protected override void EndProcessing()
        {
            if (_driver != null)
            {
                _driver.Complete();
                return;
            }

            ProcessPoolMapJob job = null;
            try
            {
                job = new ProcessPoolMapJob(ScriptBlock.ToString(), _pool, _temporary != null, _run, _jobItems);
            }
            catch (PoolBrokenException e)
            {
                ThrowTerminatingError(e.Error);
            }
            catch (InvalidOperationException)
            {
                ThrowTerminatingError(Errors.PoolRemoved(_pool.Name, _pool));
            }

            // The job ends a temporary pool when it ends.
            _temporary = null;
            job.Name = "Map" + job.Id;
            ProcCmdletsJobSourceAdapter.Register(this, job);
            WriteObject(job);
        }

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
