using System;
using System.Collections.Generic;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// The names of the commands a script calls by name, found in its syntax tree alone (no session
    /// is asked). A tree never changes, so the answer is kept for as long as the tree lives: a script
    /// block run again, or a function carried again, is not walked twice.
    /// </summary>
    internal static class CommandAnalysis
    {
        private static readonly ConditionalWeakTable<Ast, string[]> Cache = new ConditionalWeakTable<Ast, string[]>();

        /// <summary>Distinct command names (first spelling kept), in the order they first appear.</summary>
        public static string[] CommandNames(Ast ast)
        {
            if (ast == null)
            {
                return Array.Empty<string>();
            }

            return Cache.GetValue(ast, Walk);
        }

        private static string[] Walk(Ast ast)
        {
            var visitor = new Visitor();
            ast.Visit(visitor);
            return visitor.Names.ToArray();
        }

        private sealed class Visitor : AstVisitor
        {
            private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

            public List<string> Names { get; } = new List<string>();

            public override AstVisitAction VisitCommand(CommandAst commandAst)
            {
                // `& $name` and `. $block` have no name: only -Function can name what they call.
                string name = commandAst.GetCommandName();
                if (!string.IsNullOrEmpty(name) && _seen.Add(name))
                {
                    Names.Add(name);
                }

                return AstVisitAction.Continue;
            }
        }
    }
}
