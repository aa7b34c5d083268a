using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bert.Generators.Common;

namespace Bert.Generators.Emit
{
    /// <summary>Renders symbolic sizes (monomials and sums of them) as C-family source or as human-readable formulas.</summary>
    internal static class SizeText
    {
        /// <summary>
        /// <c>128 * Batch * Seq</c>, with symbols spelled by <paramref name="spell"/>. With <paramref name="asLong"/>
        /// the product is computed in 64 bits (<c>128L * Batch * Seq</c>, <c>(long)Batch * Seq</c>).
        /// </summary>
        public static string Render(SizeExpr size, Func<string, string>? spell = null, bool asLong = false)
        {
            var parts = size.Symbols.Select(spell ?? (s => s)).ToList();
            string coefficient = size.Coefficient.ToString(CultureInfo.InvariantCulture);
            if (!asLong)
            {
                if (size.Coefficient != 1 || parts.Count == 0) parts.Insert(0, coefficient);
                return string.Join(" * ", parts);
            }
            if (size.Coefficient != 1 || parts.Count == 0) parts.Insert(0, coefficient + "L");
            else parts[0] = "(long)" + parts[0];
            return string.Join(" * ", parts);
        }

        /// <summary>
        /// The size as a double (<c>256.0 * Masked * Vocab</c>): the leading literal makes every product a double, so
        /// that a count of floating-point operations cannot overflow an int.
        /// </summary>
        public static string AsDouble(SizeExpr size) =>
            string.Join(" * ", new[] { size.Coefficient.ToString(CultureInfo.InvariantCulture) + ".0" }.Concat(size.Symbols));

        /// <summary>
        /// <c>first + stride * variable</c> as source (<c>3 + 12 * run</c>, <c>12 * layer - 4</c>, <c>5 - layer</c>), the
        /// numbers written by <paramref name="firstLiteral"/> and <paramref name="strideLiteral"/> (plain digits when not given).
        /// </summary>
        public static string Affine(long first, long stride, string variable, Func<long, string>? firstLiteral = null, Func<long, string>? strideLiteral = null)
        {
            string Digits(long n) => n.ToString(CultureInfo.InvariantCulture);
            firstLiteral ??= Digits;
            strideLiteral ??= Digits;
            if (stride == 0) return firstLiteral(first);
            string step = Math.Abs(stride) == 1 ? variable : $"{strideLiteral(Math.Abs(stride))} * {variable}";
            if (first == 0) return stride < 0 ? "-" + step : step;
            if (stride < 0) return $"{firstLiteral(first)} - {step}";
            return first < 0 ? $"{step} - {firstLiteral(-first)}" : $"{firstLiteral(first)} + {step}";
        }

        /// <summary>Product of a shape's extents.</summary>
        public static SizeExpr Product(IEnumerable<SizeExpr> shape) => shape.Aggregate(SizeExpr.Constant(1), (a, b) => a * b);

        /// <summary>
        /// A sum of monomials with like terms combined, symbolic terms first: <c>128 * Vocab + 2304</c>; "0" when empty.
        /// </summary>
        public static string Sum(IEnumerable<SizeExpr> terms, Func<string, string>? spell = null)
        {
            var combined = new List<SizeExpr>();
            foreach (var term in terms)
            {
                int like = combined.FindIndex(c => c.Symbols.SequenceEqual(term.Symbols));
                if (like < 0) combined.Add(term);
                else combined[like] = new SizeExpr(combined[like].Coefficient + term.Coefficient, term.Symbols);
            }
            var rendered = combined.Where(t => t.Coefficient != 0)
                .OrderBy(t => t.IsConstant ? 1 : 0)
                .Select(t => Render(t, spell))
                .ToList();
            return rendered.Count == 0 ? "0" : string.Join(" + ", rendered);
        }
    }
}
