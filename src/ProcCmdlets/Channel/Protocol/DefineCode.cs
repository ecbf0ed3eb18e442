using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;
using System.Text.RegularExpressions;

namespace ProcCmdlets.Channel.Protocol
{
    /// <summary>
    /// Session to worker: the session's functions and modules a script needs, sent before the
    /// RunScript or DefineTask of that script. A pool's own code never travels as this frame: the
    /// session folds it into the initialization script (<see cref="Script"/>), which PoolInit carries.
    /// The worker imports each module once and defines each function in its global scope unless it
    /// already has the same text under that name.
    /// </summary>
    internal sealed class DefineCode
    {
        /// <summary>Names a function statement can spell; others are set through the function: drive.</summary>
        private static readonly Regex PlainName = new Regex(@"^[\w][\w\-\.]*$", RegexOptions.CultureInvariant);

        public List<string> Modules { get; } = new List<string>();

        public List<CarriedFunction> Functions { get; } = new List<CarriedFunction>();

        /// <summary>The session's language mode: the functions are defined, and the modules imported, in it.</summary>
        public PSLanguageMode LanguageMode { get; set; } = PSLanguageMode.FullLanguage;

        public bool IsEmpty => Modules.Count == 0 && Functions.Count == 0;

        public void Write(PayloadWriter w)
        {
            w.WriteVarUInt((ulong)Modules.Count);
            foreach (string module in Modules)
            {
                w.WriteString(module);
            }

            w.WriteVarUInt((ulong)Functions.Count);
            foreach (CarriedFunction function in Functions)
            {
                w.WriteString(function.Name);
                w.WriteBool(function.IsFilter);
                w.WriteString(function.Definition);
            }

            w.WriteByte((byte)LanguageMode);
        }

        public byte[] Encode()
        {
            var w = new PayloadWriter();
            Write(w);
            return w.ToArray();
        }

        public static DefineCode Read(PayloadReader r)
        {
            var code = new DefineCode();
            int modules = r.ReadCount();
            for (int i = 0; i < modules; i++)
            {
                code.Modules.Add(r.ReadRequiredString());
            }

            int functions = r.ReadCount();
            for (int i = 0; i < functions; i++)
            {
                code.Functions.Add(new CarriedFunction(r.ReadRequiredString(), r.ReadBool(), r.ReadRequiredString()));
            }

            code.LanguageMode = (PSLanguageMode)r.ReadByte();

            return code;
        }

        /// <summary>PowerShell that imports <paramref name="modules"/> and defines <paramref name="functions"/> in the global scope.</summary>
        public static string Script(IEnumerable<string> modules, IEnumerable<CarriedFunction> functions)
        {
            var text = new StringBuilder();
            foreach (string module in modules)
            {
                text.Append("Import-Module -Name '").Append(CodeGeneration.EscapeSingleQuotedStringContent(module))
                    .Append("' -Global -ErrorAction Stop\n");
            }

            foreach (CarriedFunction function in functions)
            {
                if (PlainName.IsMatch(function.Name))
                {
                    text.Append(function.IsFilter ? "filter global:" : "function global:").Append(function.Name).Append(" {\n")
                        .Append(function.Definition).Append("\n}\n");
                }
                else
                {
                    // The function: drive compiles text itself: [scriptblock]::Create is a method call that
                    // ConstrainedLanguage refuses.
                    text.Append("Set-Item -LiteralPath 'function:global:").Append(CodeGeneration.EscapeSingleQuotedStringContent(function.Name))
                        .Append("' -Value '").Append(CodeGeneration.EscapeSingleQuotedStringContent(function.Definition)).Append("'\n");
                }
            }

            return text.ToString();
        }
    }
}
