using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// Turns a script block into text a worker can run: every <c>$using:name</c> becomes a variable
    /// whose value is taken from the caller's scope now and sent along.
    /// </summary>
    internal sealed class PreparedScript
    {
        private PreparedScript(string text, List<KeyValuePair<string, object?>> usingValues, bool canInline)
        {
            Text = text;
            UsingValues = usingValues;
            CanInline = canInline;
        }

        public string Text { get; }

        public List<KeyValuePair<string, object?>> UsingValues { get; }

        /// <summary>True when the body can run directly as a process block (no param block, no $args, no named blocks).</summary>
        public bool CanInline { get; }

        /// <summary>
        /// Commands whose script block runs elsewhere and takes its own <c>$using:</c> values: a
        /// <c>$using:</c> inside a script block given to one of them is that call's, read where it runs.
        /// </summary>
        private static readonly HashSet<string> NestedUsingOwners = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "ForEach-Object", "%", "foreach", "Start-ThreadJob", "Start-Job", "sajb", "Invoke-Command", "icm",
            "Start-WorkerProcess", "Invoke-ProcessPoolMap", "Invoke-ProcessPoolApply", "New-ProcessPool",
        };

        /// <summary>As <see cref="From(ScriptBlock, SessionState)"/>; what it cannot take is the cmdlet's terminating error.</summary>
        public static PreparedScript FromCaller(ScriptBlock script, PSCmdlet cmdlet)
        {
            try
            {
                return From(script, cmdlet.SessionState);
            }
            catch (RuntimeException e) when (e.ErrorRecord.FullyQualifiedErrorId == UndefinedId)
            {
                throw cmdlet.Terminate(e.ErrorRecord);
            }
        }

        private const string UndefinedId = "UsingVariableIsUndefined";

        public static PreparedScript From(ScriptBlock script, SessionState? caller)
        {
            var ast = (ScriptBlockAst)script.Ast;
            string source = ast.Extent.Text;
            int origin = ast.Extent.StartOffset;
            var values = new List<KeyValuePair<string, object?>>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var edits = new List<Tuple<int, int, string>>();

            foreach (UsingExpressionAst usingAst in ast.FindAll(a => a is UsingExpressionAst, true).Cast<UsingExpressionAst>())
            {
                if (BelongsToNestedCall(usingAst, ast))
                {
                    continue;
                }

                VariableExpressionAst variable = UsingExpressionAst.ExtractUsingVariable(usingAst);
                string name = variable.VariablePath.UserPath;
                int colon = name.IndexOf(':');
                if (colon >= 0 && name.Substring(0, colon).Equals("using", StringComparison.OrdinalIgnoreCase))
                {
                    name = name.Substring(colon + 1);
                }

                string local = "__pcUsing_" + Sanitize(name);
                if (seen.Add(local))
                {
                    // A drive-qualified name ($using:env:PATH) is read as a value; a plain one must be set.
                    PSVariable? defined = caller == null || name.IndexOf(':') >= 0 ? null : caller.PSVariable.Get(name);
                    if (caller != null && name.IndexOf(':') < 0 && defined == null)
                    {
                        ErrorRecord undefined = Errors.UsingVariableIsUndefined(usingAst.Extent.Text);
                        throw new RuntimeException(undefined.Exception.Message, undefined.Exception, undefined);
                    }

                    values.Add(new KeyValuePair<string, object?>(local, defined != null ? defined.Value : caller?.PSVariable.GetValue(name)));
                }

                string replacement = (variable.Splatted ? "@" : "$") + "global:" + local;
                edits.Add(Tuple.Create(variable.Extent.StartOffset - origin, variable.Extent.EndOffset - origin, replacement));
            }

            foreach (var edit in edits.OrderByDescending(e => e.Item1))
            {
                source = source.Substring(0, edit.Item1) + edit.Item3 + source.Substring(edit.Item2);
            }

            // A script block literal's extent includes its braces; the body is what lies inside them.
            string original = ast.Extent.Text;
            bool braced = original.Length == script.ToString().Length + 2 && original.StartsWith("{", StringComparison.Ordinal)
                && original.EndsWith("}", StringComparison.Ordinal);
            string body = braced ? source.Substring(1, source.Length - 2) : source;

            bool usesArgs = ast.Find(a => a is VariableExpressionAst v && v.VariablePath.UserPath.Equals("args", StringComparison.OrdinalIgnoreCase), true) != null;
            bool canInline = ast.ParamBlock == null && ast.BeginBlock == null && ast.ProcessBlock == null && ast.DynamicParamBlock == null
                && (ast.EndBlock == null || ast.EndBlock.Unnamed) && !usesArgs && ast.UsingStatements.Count == 0
                && ast.ScriptRequirements == null;
            return new PreparedScript(body, values, canInline);
        }

        /// <summary>True when <paramref name="usingAst"/> lies in a script block handed to a command that runs it elsewhere.</summary>
        internal static bool BelongsToNestedCall(Ast usingAst, Ast root)
        {
            for (Ast node = usingAst.Parent; node != null && node != root; node = node.Parent)
            {
                if (!(node is ScriptBlockExpressionAst block))
                {
                    continue;
                }

                Ast owner = block.Parent is CommandParameterAst parameter ? parameter.Parent : block.Parent;
                if (owner is CommandAst command && command.GetCommandName() is string name && NestedUsingOwners.Contains(name))
                {
                    return true;
                }
            }

            return false;
        }

        private static string Sanitize(string name)
        {
            var chars = name.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (!char.IsLetterOrDigit(chars[i]) && chars[i] != '_')
                {
                    chars[i] = '_';
                }
            }

            return new string(chars);
        }
    }
}
