using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace ProcCmdlets.Channel
{
    /// <summary>
    /// Reads a pscustomobject's properties when all of them are note properties, the form rows
    /// (Import-Csv, <c>[pscustomobject]@{}</c>, Select-Object) take. <see cref="PSObject.Properties"/>
    /// merges the object's own members with the type table's and the adapter's on every enumeration;
    /// the engine keeps the object's own members apart (<c>PSObject.InstanceMembers</c>, internal),
    /// and reading those was measured about three times cheaper for a 10-property row. Whether the
    /// type table adds properties depends only on the object's type names, so it is checked the
    /// slow way once per set of type names and thread, and again after <see cref="Recheck"/> (so an
    /// Update-TypeData in between is seen). Without that member (another engine) every object takes
    /// the slow way.
    /// </summary>
    internal static class NoteProperties
    {
        private static readonly long Recheck = Stopwatch.Frequency;
        private static readonly Func<PSObject, IEnumerable>? OwnMembers = MakeAccessor();

        [ThreadStatic]
        private static Dictionary<string, long>? s_checked;

        /// <summary>Fills <paramref name="properties"/> (cleared first) with the object's properties, in order; false if one is not a note property.</summary>
        public static bool TryGet(PSObject wrapper, List<PSPropertyInfo> properties)
        {
            properties.Clear();
            if (OwnMembers == null)
            {
                return TryGetSlow(wrapper, properties);
            }

            foreach (object member in OwnMembers(wrapper))
            {
                if (member is PSNoteProperty note)
                {
                    properties.Add(note);
                }
                else if (member is PSPropertyInfo && !IsReserved(((PSPropertyInfo)member).Name))
                {
                    return false;
                }
            }

            string types = TypeNameAccess.Key(wrapper);
            var known = s_checked ?? (s_checked = new Dictionary<string, long>(StringComparer.Ordinal));
            long now = Stopwatch.GetTimestamp();
            if (known.TryGetValue(types, out long checkedAt) && now - checkedAt < Recheck)
            {
                return true;
            }

            // The type table's and adapter's properties come on top of the object's own ones.
            int own = properties.Count;
            if (!TryGetSlow(wrapper, properties))
            {
                return false;
            }

            if (properties.Count == own)
            {
                known[types] = now;
            }

            return true;
        }

        private static bool TryGetSlow(PSObject wrapper, List<PSPropertyInfo> properties)
        {
            properties.Clear();
            foreach (PSPropertyInfo property in wrapper.Properties)
            {
                if (property.MemberType != PSMemberTypes.NoteProperty)
                {
                    return false;
                }

                properties.Add(property);
            }

            return true;
        }

        /// <summary>The engine adds these hidden members to an object's own once a script has used them (<c>$o.psobject</c>); they are never among its properties.</summary>
        private static bool IsReserved(string name) =>
            string.Equals(name, "pstypenames", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, "psbase", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, "psadapted", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, "psextended", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, "psobject", StringComparison.OrdinalIgnoreCase);

        private static Func<PSObject, IEnumerable>? MakeAccessor()
        {
            try
            {
                PropertyInfo? property = typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.Instance | BindingFlags.NonPublic);
                if (property == null || !typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
                {
                    return null;
                }

                ParameterExpression target = Expression.Parameter(typeof(PSObject), "target");
                return Expression.Lambda<Func<PSObject, IEnumerable>>(
                    Expression.Convert(Expression.Property(target, property), typeof(IEnumerable)), target).Compile();
            }
            catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is MemberAccessException)
            {
                return null;
            }
        }
    }
}
