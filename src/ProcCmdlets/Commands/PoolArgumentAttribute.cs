using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ProcCmdlets.Commands
{
    /// <summary>Lets -Pool take a pool's name as well as the pool.</summary>
    internal sealed class PoolArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value is string name)
            {
                ProcessPool pool = SessionRegistry.For(Runspace.DefaultRunspace).Pools
                    .FirstOrDefault(p => string.Equals(p.Name, name, System.StringComparison.OrdinalIgnoreCase));
                if (pool == null)
                {
                    throw new ArgumentTransformationMetadataException($"No process pool named '{name}' was found in this session.");
                }

                return pool;
            }

            return inputData;
        }
    }
}
