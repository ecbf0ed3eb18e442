using System;
using System.Globalization;
using System.Management.Automation;

namespace ProcCmdlets.Shared
{
    /// <summary>The numeric addition of Value.Add and Dictionary.Add: integers stay integers (widening to long, then double on overflow), as PowerShell's + does.</summary>
    internal static class SharedArithmetic
    {
        public static object Add(object? current, object? delta)
        {
            current = Unwrap(current) ?? 0;
            delta = Unwrap(delta) ?? 0;
            if (!IsNumber(current))
            {
                throw new ArgumentException($"Add needs a number, but the value is a {current.GetType().Name}.");
            }

            if (!IsNumber(delta))
            {
                delta = LanguagePrimitives.ConvertTo(delta, typeof(double), System.Globalization.CultureInfo.InvariantCulture);
            }

            if (current is decimal || delta is decimal)
            {
                return Convert.ToDecimal(current, CultureInfo.InvariantCulture) + Convert.ToDecimal(delta, CultureInfo.InvariantCulture);
            }

            if (IsFloating(current) || IsFloating(delta) || current is ulong || delta is ulong)
            {
                return Convert.ToDouble(current, CultureInfo.InvariantCulture) + Convert.ToDouble(delta, CultureInfo.InvariantCulture);
            }

            long a = Convert.ToInt64(current, CultureInfo.InvariantCulture);
            long b = Convert.ToInt64(delta, CultureInfo.InvariantCulture);
            long sum = a + b;
            if (((a ^ sum) & (b ^ sum)) < 0)
            {
                return (double)a + b;
            }

            bool narrow = current is int || current is short || current is byte || current is sbyte || current is ushort;
            bool narrowDelta = delta is int || delta is short || delta is byte || delta is sbyte || delta is ushort;
            return narrow && narrowDelta && sum >= int.MinValue && sum <= int.MaxValue ? (object)(int)sum : sum;
        }

        public static object? Unwrap(object? value) => value is PSObject wrapper ? wrapper.BaseObject : value;

        private static bool IsFloating(object value) => value is double || value is float;

        private static bool IsNumber(object value) =>
            value is int || value is long || value is double || value is decimal || value is float || value is short
            || value is byte || value is sbyte || value is ushort || value is uint || value is ulong;
    }
}
