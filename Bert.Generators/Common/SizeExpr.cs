using System;
using System.Collections.Immutable;
using System.Linq;

namespace Bert.Generators.Common
{
    /// <summary>
    /// A tensor extent as a monomial: <c>Coefficient × Symbol₁ × Symbol₂ …</c>, where symbols are run-time
    /// dimensions (Batch, Seq, Vocab…). Compile-time dimensions fold into the coefficient.
    /// Symbols are kept sorted so equal sizes compare equal.
    /// </summary>
    internal sealed class SizeExpr : IEquatable<SizeExpr>
    {
        public SizeExpr(long coefficient, ImmutableArray<string> symbols)
        {
            Coefficient = coefficient;
            Symbols = symbols.IsDefault ? ImmutableArray<string>.Empty : symbols.Sort(StringComparer.Ordinal);
        }

        public long Coefficient { get; }
        public ImmutableArray<string> Symbols { get; }
        public bool IsConstant => Symbols.IsEmpty;

        public static SizeExpr Constant(long value) => new SizeExpr(value, ImmutableArray<string>.Empty);
        public static SizeExpr Symbol(string name) => new SizeExpr(1, ImmutableArray.Create(name));

        public static SizeExpr operator *(SizeExpr a, SizeExpr b) =>
            new SizeExpr(a.Coefficient * b.Coefficient, a.Symbols.AddRange(b.Symbols));

        /// <summary>This size divided by <paramref name="divisor"/> when the quotient is a whole monomial, else null.</summary>
        public SizeExpr? DividedBy(SizeExpr divisor)
        {
            if (divisor.Coefficient == 0 || Coefficient % divisor.Coefficient != 0) return null;
            var symbols = Symbols.ToList();
            foreach (var symbol in divisor.Symbols)
                if (!symbols.Remove(symbol)) return null;
            return new SizeExpr(Coefficient / divisor.Coefficient, symbols.ToImmutableArray());
        }

        /// <summary>Renders as a C-family expression, e.g. <c>128 * Batch * Seq</c> (valid C#).</summary>
        public override string ToString()
        {
            if (Symbols.IsEmpty) return Coefficient.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var parts = Symbols.ToList();
            if (Coefficient != 1) parts.Insert(0, Coefficient.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return string.Join(" * ", parts);
        }

        public bool Equals(SizeExpr? other) =>
            other is not null && Coefficient == other.Coefficient && Symbols.SequenceEqual(other.Symbols);

        public override bool Equals(object? obj) => Equals(obj as SizeExpr);

        public override int GetHashCode() =>
            Symbols.Aggregate(Coefficient.GetHashCode(), (h, s) => unchecked(h * 31 + StringComparer.Ordinal.GetHashCode(s)));
    }
}
