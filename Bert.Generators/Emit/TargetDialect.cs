using System.Globalization;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// How one target spells the pieces of a scalar expression: type names, literals, math intrinsics, the
    /// counter-based RNG. Everything else about rendering (operators, precedence, the IR walk) is shared, so an op's
    /// meaning is written once for the CPU and ILGPU targets.
    /// </summary>
    internal abstract class TargetDialect
    {
        public abstract string TypeName(ScalarType type);

        public abstract string FloatLiteral(float value);

        public abstract string IntLiteral(long value);

        /// <summary>The identity of a max-reduction.</summary>
        public abstract string NegativeInfinity { get; }

        /// <summary>The function that computes a unary op, e.g. <c>MathF.Exp</c> or <c>expf</c> (not Neg or casts).</summary>
        public abstract string UnaryFunction(UnaryOp op, ScalarType type);

        /// <summary>The two-argument max/min function for <paramref name="type"/>.</summary>
        public abstract string MinMaxFunction(BinaryOp op, ScalarType type);

        /// <summary>A call of the uniform [0, 1) generator with a 64-bit seed and a 64-bit counter.</summary>
        public abstract string Uniform(string seed, string counter);

        /// <summary>Shortest round-trip digits of a finite float ("0.5", "1", "1E-05").</summary>
        protected static string Digits(float value) => value.ToString("R", CultureInfo.InvariantCulture);

        protected static bool FitsInt(long value) => value >= int.MinValue && value <= int.MaxValue;

        /// <summary>
        /// An int literal, or a 64-bit one with <paramref name="suffix"/>; a 64-bit multiple of a large power of two (a
        /// dropout site's counter offset, <c>site &lt;&lt; 40</c>) is written as that shift, so the code says what it is.
        /// </summary>
        protected static string LongLiteral(long value, string suffix)
        {
            if (FitsInt(value)) return value.ToString(CultureInfo.InvariantCulture);
            int shift = 0;
            while (shift < 62 && ((value >> shift) & 1) == 0) shift++;
            return shift >= 20
                ? $"({(value >> shift).ToString(CultureInfo.InvariantCulture)}{suffix} << {shift})"
                : value.ToString(CultureInfo.InvariantCulture) + suffix;
        }
    }

    /// <summary>C# for the CPU kernels: <c>MathF</c>, <c>1.5f</c>, <c>Philox.Uniform</c>, <c>KernelMath.Erf</c>.</summary>
    internal class CSharpDialect : TargetDialect
    {
        public static readonly CSharpDialect Instance = new CSharpDialect();

        public override string TypeName(ScalarType type) => type switch
        {
            ScalarType.F32 => "float",
            ScalarType.I32 => "int",
            _ => "ulong",
        };

        public override string FloatLiteral(float value)
        {
            if (float.IsNaN(value)) return "float.NaN";
            if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
            return Digits(value) + "f";
        }

        public override string IntLiteral(long value) => LongLiteral(value, "L");

        public override string NegativeInfinity => "float.NegativeInfinity";

        public override string UnaryFunction(UnaryOp op, ScalarType type) => op switch
        {
            UnaryOp.Exp => "MathF.Exp",
            UnaryOp.Log => "MathF.Log",
            UnaryOp.Sqrt => "MathF.Sqrt",
            UnaryOp.Rsqrt => "KernelMath.Rsqrt",
            UnaryOp.Tanh => "MathF.Tanh",
            UnaryOp.Erf => "KernelMath.Erf",
            UnaryOp.Abs => type == ScalarType.F32 ? "MathF.Abs" : "Math.Abs",
            _ => throw new EmitException($"{op} is not a function call."),
        };

        public override string MinMaxFunction(BinaryOp op, ScalarType type) =>
            (type == ScalarType.F32 ? "MathF." : "Math.") + (op == BinaryOp.Max ? "Max" : "Min");

        public override string Uniform(string seed, string counter) => $"Philox.Uniform({seed}, {counter})";
    }

    /// <summary>
    /// C# for ILGPU kernels: the C# types, literals and RNG of <see cref="CSharpDialect"/>, with the math intrinsics
    /// that ILGPU maps to device instructions (<c>XMath</c> from ILGPU.Algorithms). Erf keeps the runtime's
    /// <c>KernelMath.Erf</c>, a branchy scalar function ILGPU compiles like any static method.
    /// </summary>
    internal sealed class IlgpuDialect : CSharpDialect
    {
        public static new readonly IlgpuDialect Instance = new IlgpuDialect();

        public override string UnaryFunction(UnaryOp op, ScalarType type) => op switch
        {
            UnaryOp.Exp => "XMath.Exp",
            UnaryOp.Log => "XMath.Log",
            UnaryOp.Sqrt => "XMath.Sqrt",
            UnaryOp.Rsqrt => "XMath.Rsqrt",
            UnaryOp.Tanh => "XMath.Tanh",
            UnaryOp.Abs => "XMath.Abs",
            _ => base.UnaryFunction(op, type),
        };

        public override string MinMaxFunction(BinaryOp op, ScalarType type) => op == BinaryOp.Max ? "XMath.Max" : "XMath.Min";
    }
}
