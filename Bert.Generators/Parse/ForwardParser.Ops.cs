using System;
using System.Collections.Immutable;
using System.IO;
using Bert.Generators.Common;
using Bert.Generators.Diagnostics;
using Bert.Generators.Graph;
using Bert.Generators.Passes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bert.Generators.Parse
{
    /// <summary>Calls to <c>Bert.Graph.Ops</c>: each becomes one or more primitive graph nodes, shape-checked.</summary>
    internal sealed partial class ForwardParser
    {
        static string Label(string op, IOperation at)
        {
            var span = at.Syntax.GetLocation().GetLineSpan();
            return $"{op} ({Path.GetFileName(span.Path)}:{span.StartLinePosition.Line + 1})";
        }

        static OpContext Context(Frame frame, string op, IOperation at) =>
            new OpContext(frame.Scope.ValuePrefix, frame.Scope.KernelScope, Label(op, at));

        /// <summary>Computes the output shape; a failed check becomes BERT0002 at the call and yields null.</summary>
        ImmutableArray<SizeExpr>? Shape(IOperation at, Func<ImmutableArray<SizeExpr>> infer)
        {
            try { return infer(); }
            catch (ShapeException e)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.ShapeMismatch, at.Syntax.GetLocation(), Label(e.Message.Split(':')[0], at), e.Message));
                return null;
            }
        }

        TensorOperand Temporary(Value value)
        {
            temporaries.Add(value);
            return new TensorOperand(value);
        }

        Operand? Emit(IOperation at, Frame frame, string op, OpKind kind, string localName, Func<ImmutableArray<SizeExpr>> infer,
            Value[] inputs, Func<Node, Node>? configure = null)
        {
            var shape = Shape(at, infer);
            if (shape == null) return null;
            return Temporary(builder.Emit(kind, Context(frame, op, at), localName, shape.Value, inputs, configure ?? (n => n)));
        }

        Operand? Elementwise(IOperation at, OpKind kind, Value a, Value b, Frame frame)
        {
            string name = kind == OpKind.Add ? "sum" : kind == OpKind.Sub ? "difference" : "product";
            return Emit(at, frame, kind.ToString(), kind, name, () => ShapeInference.Broadcast(a, b, kind.ToString()), new[] { a, b });
        }

        Operand? Scale(IOperation at, Value x, float factor, Frame frame) =>
            Emit(at, frame, "Scale", OpKind.Scale, "scaled", () => x.Shape, new[] { x }, n => n with { Factor = factor });

        Operand? CallOp(IInvocationOperation call, string name, IOperation?[] args, Frame frame)
        {
            var operands = new Operand?[args.Length];
            for (int i = 0; i < args.Length; i++) operands[i] = args[i] == null ? null : Evaluate(args[i]!, frame);
            Value? T(int i) => i < operands.Length ? (operands[i] as TensorOperand)?.Value : null;
            NumberOperand? Number(int i, string use) => RequireConstant(args[i]!, operands[i], use);
            // A failed argument was already reported: stop without cascading errors.
            for (int i = 0; i < operands.Length; i++)
                if (operands[i] == null && args[i] != null && !(args[i]!.ConstantValue.HasValue)) return null;

            switch (name)
            {
                case "Embedding":
                    return Emit(call, frame, name, OpKind.Embedding, "embedding", () => ShapeInference.Embedding(T(0)!, T(1)!), new[] { T(0)!, T(1)! });
                case "Positions":
                    var length = operands[1] switch
                    {
                        SymbolOperand s => SizeExpr.Symbol(s.Name),
                        NumberOperand n when n.IsInt && n.Value > 0 => SizeExpr.Constant((long)n.Value),
                        _ => null,
                    };
                    if (length == null)
                    {
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotConstant, args[1]!.Syntax.GetLocation(),
                            args[1]!.Syntax.ToString(), "the length of Positions must be a [Dim] or a positive integer"));
                        return null;
                    }
                    return Emit(call, frame, name, OpKind.Positions, "positions", () => ShapeInference.Positions(T(0)!, length), new[] { T(0)! });
                case "Dense":
                    return Dense(call, frame, T(0)!, T(1)!, T(2));
                case "MatMul":
                case "MatMulTransposed":
                    return MatMul(call, frame, name, T(0)!, T(1)!, name == "MatMulTransposed");
                case "Scale":
                    var factor = Number(1, "Scale's factor");
                    return factor == null ? null : Scale(call, T(0)!, (float)factor.Value, frame);
                case "Gelu":
                case "Relu":
                case "Tanh":
                    var activation = name == "Gelu" ? OpKind.Gelu : name == "Relu" ? OpKind.Relu : OpKind.Tanh;
                    return Emit(call, frame, name, activation, char.ToLowerInvariant(name[0]) + name.Substring(1), () => T(0)!.Shape, new[] { T(0)! });
                case "LayerNorm":
                    var eps = Number(3, "LayerNorm's epsilon");
                    if (eps == null) return null;
                    return Emit(call, frame, name, OpKind.LayerNorm, "normalized", () => ShapeInference.LayerNorm(T(0)!, T(1)!, T(2)!),
                        new[] { T(0)!, T(1)!, T(2)! }, n => n with { Factor = (float)eps.Value });
                case "Dropout":
                    return Dropout(call, frame, T(0)!, operands[1], args[1]!);
                case "MaskedSoftmax":
                    return Emit(call, frame, name, OpKind.MaskedSoftmax, "softmax", () => ShapeInference.MaskedSoftmax(T(0)!, T(1)!), new[] { T(0)!, T(1)! });
                case "SplitHeads":
                    var heads = Number(1, "the number of heads");
                    if (heads == null) return null;
                    return Emit(call, frame, name, OpKind.SplitHeads, "heads", () => ShapeInference.SplitHeads(T(0)!, (int)heads.Value),
                        new[] { T(0)! }, n => n with { Index = (int)heads.Value });
                case "MergeHeads":
                    return Emit(call, frame, name, OpKind.MergeHeads, "merged", () => ShapeInference.MergeHeads(T(0)!), new[] { T(0)! });
                case "Gather":
                    return Emit(call, frame, name, OpKind.Gather, "gathered", () => ShapeInference.Gather(T(0)!, T(1)!), new[] { T(0)!, T(1)! });
                case "GatherRows":
                    return Emit(call, frame, name, OpKind.GatherRows, "gathered", () => ShapeInference.GatherRows(T(0)!, T(1)!), new[] { T(0)!, T(1)! });
                case "Token":
                    var index = Number(1, "the token index");
                    if (index == null) return null;
                    return Emit(call, frame, name, OpKind.Token, "token", () => ShapeInference.Token(T(0)!, (int)index.Value),
                        new[] { T(0)! }, n => n with { Index = (int)index.Value });
                case "CrossEntropy":
                    return Emit(call, frame, name, OpKind.CrossEntropy, "loss", () => ShapeInference.CrossEntropy(T(0)!, T(1)!, null), new[] { T(0)!, T(1)! });
                case "WeightedCrossEntropy":
                    return Emit(call, frame, name, OpKind.CrossEntropy, "loss", () => ShapeInference.CrossEntropy(T(0)!, T(1)!, T(2)!), new[] { T(0)!, T(1)!, T(2)! });
                case "Output":
                    return Output(call, operands[0] as StringOperand, args[0]!, operands[1] as TensorOperand);
                default:
                    Unsupported(call, $"Ops.{name} is not known to this version of the generator");
                    return null;
            }
        }

        /// <summary>Dense = a GEMM against the [out, in] weight (x · Wᵀ over the flattened leading dims) + a broadcast bias add.</summary>
        Operand? Dense(IInvocationOperation call, Frame frame, Value x, Value weight, Value? bias)
        {
            var shape = Shape(call, () => ShapeInference.Dense(x, weight, bias));
            if (shape == null) return null;
            var gemm = new GemmShape(SizeExpr.Constant(1), ShapeInference.Product(x.Shape.RemoveAt(x.Rank - 1)), weight.Dim(0), weight.Dim(1),
                TransA: false, TransB: true, Alpha: 1f);
            var at = Context(frame, "Dense", call);
            var product = builder.Emit(OpKind.Gemm, at, "dense", shape.Value, new[] { x, weight }, n => n with { Gemm = gemm });
            if (bias == null) return Temporary(product);
            return Temporary(builder.Emit(OpKind.Add, at, "dense", shape.Value, product, bias));
        }

        Operand? MatMul(IInvocationOperation call, Frame frame, string name, Value a, Value b, bool transposeB)
        {
            var shape = Shape(call, () => ShapeInference.MatMul(a, b, transposeB, name));
            if (shape == null) return null;
            var gemm = new GemmShape(ShapeInference.Product(a.Shape.RemoveRange(a.Rank - 2, 2)), a.Dim(-2), shape.Value[shape.Value.Length - 1], a.Dim(-1),
                TransA: false, TransB: transposeB, Alpha: 1f);
            return Temporary(builder.Emit(OpKind.Gemm, Context(frame, name, call), "matmul", shape.Value, new[] { a, b },
                n => n with { Gemm = gemm }));
        }

        Operand? Dropout(IInvocationOperation call, Frame frame, Value x, Operand? p, IOperation pSyntax)
        {
            ScalarArg probability;
            if (p is NumberOperand n && n.Value >= 0 && n.Value < 1) probability = new ScalarArg((float)n.Value);
            else if (p is HyperOperand h) probability = new ScalarArg(0f, h.Name);
            else
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotConstant, pSyntax.Syntax.GetLocation(), pSyntax.Syntax.ToString(),
                    "the dropout probability must be a [Hyper] field or a constant in [0, 1)"));
                return null;
            }
            int site = Graph.DropoutSites++;
            return Emit(call, frame, "Dropout", OpKind.Dropout, "dropped", () => x.Shape, new[] { x },
                node => node with { Probability = probability, Site = site });
        }

        Operand? Output(IInvocationOperation call, StringOperand? name, IOperation nameSyntax, TensorOperand? value)
        {
            if (name == null)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotConstant, nameSyntax.Syntax.GetLocation(), nameSyntax.Syntax.ToString(),
                    "an output name must be a string constant"));
                return value;
            }
            if (!outputNames.Add(name.Value))
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.DuplicateOutput, nameSyntax.Syntax.GetLocation(), name.Value));
            else if (value != null)
                Graph.Outputs.Add(new System.Collections.Generic.KeyValuePair<string, Value>(name.Value, value.Value));
            return value;
        }
    }
}
