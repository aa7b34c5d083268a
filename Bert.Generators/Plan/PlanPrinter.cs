using System.Globalization;
using System.Linq;
using System.Text;
using Bert.Generators.Kernels;

namespace Bert.Generators.Plan
{
    /// <summary>
    /// A plain-text rendering of kernels and plans: for tests, snapshots and debugging, and (without names) as the
    /// structural identity used to share one kernel between layers.
    /// </summary>
    internal static class PlanPrinter
    {
        public static string Expr(Expr e) => e switch
        {
            FloatConst f => f.Value.ToString("R", CultureInfo.InvariantCulture) + "f",
            IntConst n => n.Value.ToString(CultureInfo.InvariantCulture),
            VarExpr v => v.Name,
            SizeConst s => "(" + s.Size + ")",
            LoadExpr l => $"{l.Buffer}[{Expr(l.Index)}]",
            UnaryExpr u => $"{u.Op.ToString().ToLowerInvariant()}({Expr(u.Operand)})",
            BinaryExpr b => $"({Expr(b.Left)} {Symbol(b.Op)} {Expr(b.Right)})",
            SelectExpr s => $"({Expr(s.Condition)} ? {Expr(s.WhenTrue)} : {Expr(s.WhenFalse)})",
            UniformExpr r => $"uniform({Expr(r.Seed)}, {Expr(r.Counter)})",
            _ => e.ToString(),
        };

        static string Symbol(BinaryOp op) => op switch
        {
            BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", BinaryOp.Div => "/",
            BinaryOp.IntDiv => "/", BinaryOp.IntMod => "%", BinaryOp.Less => "<", BinaryOp.LessEqual => "<=", BinaryOp.Equal => "==",
            _ => op.ToString().ToLowerInvariant(),
        };

        public static string Stmt(Stmt s) => s switch
        {
            StoreStmt st => $"{st.Buffer}[{Expr(st.Index)}] {(st.Accumulate ? "+=" : "=")} {Expr(st.Value)}",
            LetStmt let => $"{let.Type} {let.Name} = {Expr(let.Value)}",
            _ => s.ToString(),
        };

        /// <summary>The kernel's signature and body; <paramref name="withName"/> false gives its structural identity.</summary>
        public static string Kernel(Kernel k, bool withName = true)
        {
            var w = new StringBuilder();
            if (withName)
            {
                w.AppendLine("// Fuses: " + string.Join(", ", k.SourceOps));
                w.Append(k.Name);
            }
            w.AppendLine("(" + string.Join(", ", k.Buffers.Select(b => $"{b.Access} {b.Type} {b.Name}").Concat(k.Scalars.Select(s => $"{s.Type} {s.Name}"))) + ")");
            switch (k.Body)
            {
                case PointwiseBody p:
                    w.AppendLine($"  for i < {p.Count}:");
                    foreach (var s in p.Body) w.AppendLine("    " + Stmt(s));
                    break;
                case RowwiseBody r:
                    w.AppendLine($"  for row < {r.Rows}{(r.RowsMayCollide ? " (rows may collide)" : "")}:");
                    foreach (var stage in r.Stages)
                        switch (stage)
                        {
                            case ReduceStage red: w.AppendLine($"    {red.Result} = {red.Op.ToString().ToLowerInvariant()} j < {r.Cols}: {Expr(red.Value)}"); break;
                            case ScalarStage sc:
                                foreach (var let in sc.Lets) w.AppendLine("    " + Stmt(let));
                                foreach (var st in sc.RowStores) w.AppendLine("    " + Stmt(st));
                                break;
                            case MapStage m:
                                w.AppendLine($"    for j < {r.Cols}:");
                                foreach (var s in m.Body) w.AppendLine("      " + Stmt(s));
                                break;
                        }
                    break;
            }
            return w.ToString();
        }

        public static string Ref(TensorRef t) => $"{t.Storage}:{t.Name}" + (t.ElementOffset == null ? "" : "+" + Expr(t.ElementOffset));

        public static string Step(Step step) => step switch
        {
            KernelStep k => (k.ZeroFirst.IsEmpty ? "" : $"zero {string.Join(", ", k.ZeroFirst)}; ") +
                $"{k.Kernel}(" + string.Join(", ", k.Buffers.OrderBy(b => b.Key, System.StringComparer.Ordinal).Select(b => $"{b.Key}={Ref(b.Value)}")
                    .Concat(k.Scalars.OrderBy(s => s.Key, System.StringComparer.Ordinal).Select(s => $"{s.Key}={Expr(s.Value)}"))) + ")",
            GemmStep g => $"gemm {Ref(g.C)} {(g.Beta == 0 ? "=" : "+=")} {g.Alpha.ToString(CultureInfo.InvariantCulture)} * {Ref(g.A)}{(g.TransA ? "ᵀ" : "")} · {Ref(g.B)}{(g.TransB ? "ᵀ" : "")} [M={g.M} N={g.N} K={g.K} batch={g.BatchCount}]  // {g.Comment}",
            ZeroStep z => $"zero {Ref(z.Tensor)} [{z.Elements}]",
            ZeroGradientsStep => "zero every parameter gradient",
            _ => step.ToString(),
        };

        public static string Plan(ExecutionPlan plan)
        {
            var w = new StringBuilder();
            w.AppendLine($"model {plan.ModelName} (fused: {plan.Fused}); symbols {string.Join(", ", plan.RuntimeSymbols)}");
            w.AppendLine("memory: " + plan.Memory.Describe());
            foreach (var b in plan.Buffers) w.AppendLine($"buffer {b.Name} [{b.Elements}] slot {b.Slot}");
            foreach (var k in plan.Kernels) w.AppendLine().Append(Kernel(k));
            w.AppendLine().AppendLine("forward:");
            foreach (var s in plan.Forward) w.AppendLine("  " + Step(s));
            w.AppendLine("backward:");
            foreach (var s in plan.Backward) w.AppendLine("  " + Step(s));
            foreach (var l in plan.Loops)
                w.AppendLine($"loop over {l.Field}[{string.Join(", ", l.Blocks)}]: {(l.Backward ? "backward" : "forward")} steps {l.Start}…{l.Start + l.Extent - 1}, " +
                             $"{l.Length} per block, {l.Tensors.Length} tensors and {l.Scalars.Length} scalars per block" +
                             (l.FirstOwn.IsEmpty ? "" : $", block {l.Blocks[0]}'s own steps at {string.Join(", ", l.FirstOwn)}"));
            return w.ToString();
        }
    }
}
