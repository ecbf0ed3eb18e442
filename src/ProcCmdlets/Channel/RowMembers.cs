using System;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Gives a row read back its note properties without what <c>PSObject.Properties.Add</c> costs
    /// per property. That Add copies the member and tells the engine's member binders of its name
    /// (dictionary lookups and a lock each time); and a new pscustomobject's first member makes its member
    /// collection through a weak table keyed by the object, a garbage collector handle per object (as
    /// <see cref="TypeNameAccess"/> describes for type names), grown as members come. Building 100,000
    /// ten-property rows, kept alive, took 7.1-7.2 µs a row that way, and 2.9-3.5 µs with the collection
    /// (<c>PSObject.InstanceMembers</c>, internal) made at its size and the members added to it
    /// directly; garbage collection paused 450-470 ms against 140-170 ms (measured). The binders
    /// keep what they hear for the rest of the process, so hearing a name once is enough: the first
    /// row of each shape takes the public way (<see cref="Shape.NamesNoted"/>), and the rest this one.
    /// Without those members (another engine) every row takes the public way.
    /// </summary>
    internal static class RowMembers
    {
        private static readonly Func<PSObject, int, object>? MakeMembers;
        private static readonly Action<object, PSObject, PSMemberInfo>? AddMember;

        static RowMembers()
        {
            try
            {
                PropertyInfo? property = typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.Instance | BindingFlags.NonPublic);
                MethodInfo? replicate = typeof(PSMemberInfo).GetMethod("ReplicateInstance", BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(object) }, null);
                if (property == null || replicate == null || property.GetSetMethod(true) == null)
                {
                    return;
                }

                Type collection = property.PropertyType;
                ConstructorInfo? make = collection.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, new[] { typeof(int) }, null);
                MethodInfo? add = collection.GetMethod("Add", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, new[] { typeof(PSMemberInfo), typeof(bool) }, null);
                if (make == null || add == null)
                {
                    return;
                }

                ParameterExpression row = Expression.Parameter(typeof(PSObject), "row");
                ParameterExpression capacity = Expression.Parameter(typeof(int), "capacity");
                MakeMembers = Expression.Lambda<Func<PSObject, int, object>>(
                    Expression.Convert(Expression.Assign(Expression.Property(row, property), Expression.New(make, capacity)), typeof(object)),
                    row,
                    capacity).Compile();

                // As the engine's Add does, less its copy: the member is the row's alone.
                ParameterExpression members = Expression.Parameter(typeof(object), "members");
                ParameterExpression member = Expression.Parameter(typeof(PSMemberInfo), "member");
                AddMember = Expression.Lambda<Action<object, PSObject, PSMemberInfo>>(
                    Expression.Block(
                        Expression.Call(member, replicate, row),
                        Expression.Call(Expression.Convert(members, collection), add, member, Expression.Constant(true))),
                    members,
                    row,
                    member).Compile();
            }
            catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is MemberAccessException || e is AmbiguousMatchException)
            {
                MakeMembers = null;
                AddMember = null;
            }
        }

        /// <summary>Whether this engine has the members used here; without them, use <c>Properties.Add</c>.</summary>
        public static bool Available => AddMember != null;

        /// <summary>Gives a new row with no members yet an empty collection sized for <paramref name="capacity"/>, to pass to <see cref="Add"/>.</summary>
        public static object Start(PSObject row, int capacity) => MakeMembers!(row, capacity);

        /// <summary>Adds a note property, whose name the row does not have yet, to the row's collection from <see cref="Start"/>.</summary>
        public static void Add(object members, PSObject row, PSNoteProperty property) => AddMember!(members, row, property);
    }
}
