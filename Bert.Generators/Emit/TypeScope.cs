using System.Collections.Generic;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>The element types of the buffers and the types of the scalar names visible where an expression is rendered.</summary>
    internal sealed class TypeScope
    {
        readonly Dictionary<string, ScalarType> variables = new Dictionary<string, ScalarType>();
        readonly Dictionary<string, ScalarType> buffers = new Dictionary<string, ScalarType>();
        readonly ScalarType? undeclaredVariable;

        /// <param name="undeclaredVariable">The type of names not declared here (e.g. a model's float hyper-parameters); unknown names throw when null.</param>
        public TypeScope(ScalarType? undeclaredVariable = null) => this.undeclaredVariable = undeclaredVariable;

        /// <summary>The types of everything a kernel body can name: buffers, scalars, loop indices.</summary>
        public static TypeScope Of(Kernel kernel)
        {
            var scope = new TypeScope();
            foreach (var b in kernel.Buffers) scope.DeclareBuffer(b.Name, b.Type);
            foreach (var s in kernel.Scalars) scope.DeclareVariable(s.Name, s.Type);
            return kernel.Body is PointwiseBody
                ? scope.DeclareVariable("i", ScalarType.I32)
                : scope.DeclareVariable("row", ScalarType.I32).DeclareVariable("j", ScalarType.I32);
        }

        public TypeScope DeclareVariable(string name, ScalarType type)
        {
            variables[name] = type;
            return this;
        }

        public TypeScope DeclareBuffer(string name, ScalarType type)
        {
            buffers[name] = type;
            return this;
        }

        public ScalarType Variable(string name) =>
            variables.TryGetValue(name, out var type) ? type
            : undeclaredVariable ?? throw new EmitException($"Unknown variable '{name}'.");

        public ScalarType Buffer(string name) =>
            buffers.TryGetValue(name, out var type) ? type : throw new EmitException($"Unknown buffer '{name}'.");
    }

    /// <summary>Type inference over the kernel IR: what a scalar expression evaluates to.</summary>
    internal static class ExprTypes
    {
        public static ScalarType Of(Expr expr, TypeScope scope) => expr switch
        {
            FloatConst _ => ScalarType.F32,
            IntConst _ => ScalarType.I32,
            SizeConst _ => ScalarType.I32,
            VarExpr v => scope.Variable(v.Name),
            LoadExpr l => scope.Buffer(l.Buffer),
            UniformExpr _ => ScalarType.F32,
            UnaryExpr { Op: UnaryOp.ToF32 } => ScalarType.F32,
            UnaryExpr { Op: UnaryOp.ToI32 } => ScalarType.I32,
            UnaryExpr u => Of(u.Operand, scope),
            // Comparisons only feed a SelectExpr condition; I32 stands for "boolean" there.
            BinaryExpr { Op: BinaryOp.Less or BinaryOp.LessEqual or BinaryOp.Equal } => ScalarType.I32,
            BinaryExpr b => Wider(Of(b.Left, scope), Of(b.Right, scope)),
            SelectExpr s => Wider(Of(s.WhenTrue, scope), Of(s.WhenFalse, scope)),
            _ => throw new EmitException($"Unknown expression {expr}."),
        };

        /// <summary>C-family promotion: float wins over integers, 64-bit over 32-bit.</summary>
        static ScalarType Wider(ScalarType a, ScalarType b) =>
            a == ScalarType.F32 || b == ScalarType.F32 ? ScalarType.F32
            : a == ScalarType.U64 || b == ScalarType.U64 ? ScalarType.U64
            : ScalarType.I32;
    }
}
