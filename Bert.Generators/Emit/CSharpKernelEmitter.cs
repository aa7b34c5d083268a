using Bert.Generators.Common;
using Bert.Generators.Kernels;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A kernel as a private static method of the model class (which is <c>unsafe</c>): element and row loops run as
    /// contiguous ranges on <c>ParallelRows</c>; rows that may collide run in order on the calling thread.
    /// </summary>
    internal sealed class CSharpKernelEmitter : KernelEmitter
    {
        public CSharpKernelEmitter() : base(new ExprRenderer(CSharpDialect.Instance))
        {
        }

        protected override string Declaration(Kernel kernel) => $"private static void {kernel.Name}";

        protected override string PointerType(KernelBuffer buffer) => Dialect.TypeName(buffer.Type) + "*";

        protected override void BeginElementLoop(Kernel kernel, SizeExpr count, CodeWriter w)
        {
            w.Line($"ParallelRows.For({count}, KernelGrain.Elements, (start, end) =>");
            w.Open();
            w.Line("for (int i = start; i < end; i++)");
            w.Open();
        }

        protected override void EndElementLoop(CodeWriter w)
        {
            w.Close();
            w.Close("});");
        }

        protected override void BeginRowLoop(Kernel kernel, RowwiseBody body, CodeWriter w)
        {
            if (body.RowsMayCollide)
            {
                w.Line("// Rows may add into the same elements: run them in order.");
                w.Line($"for (int row = 0; row < {body.Rows}; row++)");
                w.Open();
                return;
            }
            w.Line($"ParallelRows.For({body.Rows}, KernelGrain.Rows({body.Cols}), (start, end) =>");
            w.Open();
            w.Line("for (int row = start; row < end; row++)");
            w.Open();
        }

        protected override void EndRowLoop(RowwiseBody body, CodeWriter w)
        {
            w.Close();
            if (!body.RowsMayCollide) w.Close("});");
        }

        protected override void BeginColumnLoop(SizeExpr cols, CodeWriter w)
        {
            w.Line($"for (int j = 0; j < {cols}; j++)");
            w.Open();
        }
    }
}
