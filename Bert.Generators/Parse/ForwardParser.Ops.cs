using System;
using System.Collections.Immutable;
using System.IO;
using Bert.Generators.Common;
using Bert.Generators.Diagnostics;
using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bert.Generators.Parse
{
    /// <summary>Calls to <c>Bert.Graph.Ops</c> and tensor operators: the op that each names builds its nodes (<see cref="Op.Parse"/>), shape-checked.</summary>
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

        Operand? Elementwise(IOperation at, ArithmeticOp op, Value a, Value b, Frame frame)
        {
            var shape = Shape(at, () => op.Shape(a, b));
            if (shape == null) return null;
            return Temporary(builder.Emit(op, Context(frame, op.Name, at), op.ResultName, shape.Value, new[] { a, b }, n => n));
        }

        Operand? Scale(IOperation at, Value x, float factor, Frame frame) =>
            Temporary(builder.Emit(ScaleOp.Instance, Context(frame, ScaleOp.Instance.Name, at), ScaleOp.ResultName, x.Shape, new[] { x }, ScaleOp.By(factor)));

        Operand? CallOp(IInvocationOperation call, string name, IOperation?[] args, Frame frame)
        {
            var operands = new Operand?[args.Length];
            for (int i = 0; i < args.Length; i++) operands[i] = args[i] == null ? null : Evaluate(args[i]!, frame);
            // A failed argument was already reported: stop without cascading errors.
            for (int i = 0; i < operands.Length; i++)
                if (operands[i] == null && args[i] != null && !(args[i]!.ConstantValue.HasValue)) return null;

            if (name == "Output") return Output(call, operands[0] as StringOperand, args[0]!, operands[1] as TensorOperand);
            var op = OpCalls.Find(name);
            if (op == null)
            {
                Unsupported(call, $"Ops.{name} is not known to this version of the generator");
                return null;
            }
            var value = op.Parse(new OpCall(this, call, name, args, operands, frame));
            return value == null ? null : Temporary(value);
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

        /// <summary>One call's arguments as its op reads them; what is wrong with one is reported at that argument.</summary>
        sealed class OpCall : IOpCall
        {
            readonly ForwardParser parser;
            readonly IInvocationOperation call;
            readonly IOperation?[] args;
            readonly Operand?[] operands;
            readonly Frame frame;

            public OpCall(ForwardParser parser, IInvocationOperation call, string name, IOperation?[] args, Operand?[] operands, Frame frame)
            {
                this.parser = parser;
                this.call = call;
                Name = name;
                this.args = args;
                this.operands = operands;
                this.frame = frame;
            }

            public string Name { get; }

            public Value? Tensor(int index) => index < operands.Length ? (operands[index] as TensorOperand)?.Value : null;

            public double? Number(int index, string use) => parser.RequireConstant(args[index]!, operands[index], use)?.Value;

            public ScalarArg? Probability(int index)
            {
                if (operands[index] is NumberOperand n && n.Value >= 0 && n.Value < 1) return new ScalarArg((float)n.Value);
                if (operands[index] is HyperOperand h) return new ScalarArg(0f, h.Name);
                NotConstant(index, "the dropout probability must be a [Hyper] field or a constant in [0, 1)");
                return null;
            }

            public SizeExpr? Length(int index)
            {
                if (operands[index] is SymbolOperand s) return SizeExpr.Symbol(s.Name);
                if (operands[index] is NumberOperand n && n.IsInt && n.Value > 0) return SizeExpr.Constant((long)n.Value);
                NotConstant(index, $"the length of {Name} must be a [Dim] or a positive integer");
                return null;
            }

            void NotConstant(int index, string message) =>
                parser.diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotConstant, args[index]!.Syntax.GetLocation(), args[index]!.Syntax.ToString(), message));

            public int NewDropoutSite() => parser.Graph.DropoutSites++;

            public ImmutableArray<SizeExpr>? Shape(Func<ImmutableArray<SizeExpr>> shape) => parser.Shape(call, shape);

            public Value? Emit(Op op, string localName, Func<ImmutableArray<SizeExpr>> shape, Value[] inputs, Func<Node, Node>? configure = null)
            {
                var checkedShape = Shape(shape);
                return checkedShape == null ? null : Emit(op, localName, checkedShape.Value, inputs, configure);
            }

            public Value Emit(Op op, string localName, ImmutableArray<SizeExpr> shape, Value[] inputs, Func<Node, Node>? configure = null) =>
                parser.builder.Emit(op, Context(frame, Name, call), localName, shape, inputs, configure ?? (n => n));
        }
    }
}
