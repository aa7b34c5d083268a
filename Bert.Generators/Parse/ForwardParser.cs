using System.Collections.Generic;
using System.Linq;
using Bert.Generators.Diagnostics;
using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bert.Generators.Parse
{
    /// <summary>
    /// Traces a [Forward] method through its Roslyn operation tree into graph nodes: locals become named
    /// values, calls to block Forward methods are inlined (a foreach over a block array unrolls per layer),
    /// Ops calls and operators become ops. Anything outside this subset is reported as BERT0001.
    /// </summary>
    internal sealed partial class ForwardParser
    {
        const string SupportedHint =
            "use local declarations, assignments, foreach over a [Block] array, calls to Ops and block Forward methods, + - *, " +
            "conditionals on constants and return";

        readonly Compilation compilation;
        readonly GraphBuilder builder;
        readonly List<Diagnostic> diagnostics;
        /// <summary>Op results not yet bound to a local; binding renames them after the local.</summary>
        readonly HashSet<Value> temporaries = new HashSet<Value>();
        readonly HashSet<string> outputNames = new HashSet<string>();

        public ForwardParser(Compilation compilation, GraphBuilder builder, List<Diagnostic> diagnostics)
        {
            this.compilation = compilation;
            this.builder = builder;
            this.diagnostics = diagnostics;
        }

        ModelGraph Graph => builder.Graph;

        /// <summary>The value of the last return traced (the model's loss expression, for BERT0006).</summary>
        public IOperation? LastReturn { get; private set; }

        /// <summary>The environment of one (inlined) Forward call.</summary>
        sealed class Frame
        {
            public Frame(Scope scope) => Scope = scope;
            public Scope Scope { get; }
            /// <summary>Locals and parameters; null marks a value whose computation already failed (no cascading errors).</summary>
            public Dictionary<ISymbol, Operand?> Locals { get; } = new Dictionary<ISymbol, Operand?>(SymbolEqualityComparer.Default);
            public Operand? Returned { get; set; }
            public bool HasReturned { get; set; }
        }

        public static IMethodSymbol[] ForwardMethods(INamedTypeSymbol type) =>
            Declarations.SelfAndBases(type).SelectMany(t => t.GetMembers().OfType<IMethodSymbol>()).Where(m => Attributes.Has(m, Attributes.Forward)).ToArray();

        /// <summary>Traces <paramref name="method"/> with its parameters bound to <paramref name="arguments"/>; returns its result.</summary>
        public Operand? Inline(IMethodSymbol method, Scope scope, IReadOnlyList<Operand?> arguments)
        {
            var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            if (syntax == null || !(compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax) is IMethodBodyOperation body))
                return null;
            var frame = new Frame(scope);
            for (int i = 0; i < method.Parameters.Length; i++) frame.Locals[method.Parameters[i]] = arguments[i];
            var statements = (IOperation?)body.BlockBody ?? body.ExpressionBody;
            if (statements != null) Execute(statements, frame);
            return frame.Returned;
        }

        void Unsupported(IOperation op, string why = SupportedHint)
        {
            if (op is IInvalidOperation) return;   // the C# compiler reports it
            string text = op.Syntax.ToString().Split('\n')[0].Trim();
            if (text.Length > 60) text = text.Substring(0, 57) + "...";
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedConstruct, op.Syntax.GetLocation(), text, why));
        }

        /// <returns>false once the method has returned (the remaining statements are unreachable).</returns>
        bool Execute(IOperation op, Frame frame)
        {
            switch (op)
            {
                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                        if (!Execute(statement, frame)) return false;
                    return true;
                case IVariableDeclarationGroupOperation group:
                    foreach (var declaration in group.Declarations)
                        foreach (var declarator in declaration.Declarators)
                        {
                            var initializer = declarator.Initializer ?? declaration.Initializer;
                            if (initializer == null) Unsupported(declarator, "declare each local with its value");
                            Bind(declarator.Symbol, initializer == null ? null : Evaluate(initializer.Value, frame), frame);
                        }
                    return true;
                case IExpressionStatementOperation statement:
                    ExecuteExpressionStatement(statement.Operation, frame);
                    return true;
                case IForEachLoopOperation loop:
                    return ExecuteForEach(loop, frame);
                case IReturnOperation ret:
                    LastReturn = ret.ReturnedValue ?? ret;
                    frame.Returned = ret.ReturnedValue == null ? null : Evaluate(ret.ReturnedValue, frame);
                    frame.HasReturned = true;
                    return false;
                case IEmptyOperation _:
                    return true;
                default:
                    Unsupported(op);
                    return true;
            }
        }

        void ExecuteExpressionStatement(IOperation op, Frame frame)
        {
            switch (op)
            {
                case ISimpleAssignmentOperation assignment when AssignedSymbol(assignment.Target) is { } target:
                    Bind(target, Evaluate(assignment.Value, frame), frame);
                    break;
                case ICompoundAssignmentOperation compound when AssignedSymbol(compound.Target) is { } target:
                    Bind(target, Binary(compound, compound.OperatorKind, Evaluate(compound.Target, frame), Evaluate(compound.Value, frame), frame), frame);
                    break;
                case IInvocationOperation invocation:
                    Evaluate(invocation, frame);
                    break;
                default:
                    Unsupported(op, "only assignments to locals and calls can be statements");
                    break;
            }
        }

        static ISymbol? AssignedSymbol(IOperation target) => target switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

        bool ExecuteForEach(IForEachLoopOperation loop, Frame frame)
        {
            var collection = Evaluate(loop.Collection, frame);
            if (!(loop.LoopControlVariable is IVariableDeclaratorOperation variable) || !(collection is BlockArrayOperand blocks))
            {
                if (collection != null) Unsupported(loop.Collection, "foreach can only iterate over a [Block] array field");
                return true;
            }
            foreach (var block in blocks.Blocks)
            {
                frame.Locals[variable.Symbol] = new BlockOperand(block);
                Execute(loop.Body, frame);
                if (frame.HasReturned)
                {
                    Unsupported(loop, "return inside a foreach loop; return after the loop");
                    return false;
                }
            }
            return true;
        }

        /// <summary>Binds a local; an op result not yet named takes the local's name (readable generated code).</summary>
        void Bind(ISymbol local, Operand? value, Frame frame)
        {
            if (value is TensorOperand tensor && temporaries.Remove(tensor.Value))
            {
                tensor.Value.LocalName = local.Name;
                tensor.Value.Name = builder.UniqueName(frame.Scope.ValuePrefix + local.Name);
            }
            frame.Locals[local] = value;
        }

        Operand? Evaluate(IOperation op, Frame frame)
        {
            if (op.ConstantValue.HasValue) return Constant(op);
            switch (op)
            {
                case IConversionOperation conversion:
                    var inner = Evaluate(conversion.Operand, frame);
                    bool toFloat = conversion.Type?.SpecialType == SpecialType.System_Single || conversion.Type?.SpecialType == SpecialType.System_Double;
                    return inner is NumberOperand n && toFloat ? n with { IsInt = false } : inner;
                case ILocalReferenceOperation local:
                    return frame.Locals.TryGetValue(local.Local, out var l) ? l : null;
                case IParameterReferenceOperation parameter:
                    return frame.Locals.TryGetValue(parameter.Parameter, out var p) ? p : null;
                case IFieldReferenceOperation field when field.Instance == null || field.Instance is IInstanceReferenceOperation:
                    if (frame.Scope.Members.TryGetValue(field.Field.Name, out var member)) return member;
                    Unsupported(op, "only [Dim], [Hyper], [Input], [Param] and [Block] fields can be used in a [Forward] method");
                    return null;
                case IBinaryOperation binary:
                    return Binary(binary, binary.OperatorKind, Evaluate(binary.LeftOperand, frame), Evaluate(binary.RightOperand, frame), frame);
                case IUnaryOperation unary when unary.OperatorKind == UnaryOperatorKind.Minus || unary.OperatorKind == UnaryOperatorKind.Plus:
                    var operand = Evaluate(unary.Operand, frame);
                    if (unary.OperatorKind == UnaryOperatorKind.Plus) return operand;
                    if (operand is NumberOperand number) return number with { Value = -number.Value };
                    if (operand is TensorOperand t) return Scale(unary, t.Value, -1f, frame);
                    return RequireConstant(unary, operand, "negation");
                case IInvocationOperation invocation:
                    return Invoke(invocation, frame);
                case IConditionalOperation conditional when conditional.WhenFalse != null:
                    // A compile-time choice (e.g. the activation a model selects with a const [Dim]): only the taken branch is traced.
                    var condition = RequireConstant(conditional.Condition, Evaluate(conditional.Condition, frame), "a conditional's condition");
                    return condition == null ? null : Evaluate(condition.Value != 0 ? conditional.WhenTrue : conditional.WhenFalse, frame);
                default:
                    Unsupported(op);
                    return null;
            }
        }

        static Operand Constant(IOperation op) => op.ConstantValue.Value switch
        {
            string s => new StringOperand(s),
            int i => new NumberOperand(i, IsInt: true),
            long i => new NumberOperand(i, IsInt: true),
            float f => new NumberOperand(f, IsInt: false),
            double d => new NumberOperand(d, IsInt: false),
            var other => new NumberOperand(System.Convert.ToDouble(other, System.Globalization.CultureInfo.InvariantCulture), IsInt: false),
        };

        /// <summary>Reports BERT0012 unless <paramref name="operand"/> is a compile-time number; null stays silent (already reported).</summary>
        NumberOperand? RequireConstant(IOperation at, Operand? operand, string use)
        {
            if (operand is NumberOperand number) return number;
            if (operand != null)
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotConstant, at.Syntax.GetLocation(),
                    at.Syntax.ToString(), use + " needs a compile-time value; run-time dimensions and [Hyper] fields are not allowed"));
            return null;
        }

        Operand? Binary(IOperation at, BinaryOperatorKind kind, Operand? left, Operand? right, Frame frame)
        {
            if (left == null || right == null) return null;
            if (left is TensorOperand a && right is TensorOperand b)
            {
                ArithmeticOp? op = kind switch
                {
                    BinaryOperatorKind.Add => AddOp.Instance,
                    BinaryOperatorKind.Subtract => SubOp.Instance,
                    BinaryOperatorKind.Multiply => MulOp.Instance,
                    _ => null,
                };
                if (op == null)
                {
                    Unsupported(at, "tensors support only +, - and *");
                    return null;
                }
                return Elementwise(at, op, a.Value, b.Value, frame);
            }
            if (left is TensorOperand || right is TensorOperand)
            {
                var tensor = (left as TensorOperand ?? (TensorOperand)right).Value;
                var factor = RequireConstant(at, left is TensorOperand ? right : left, "a tensor's scale factor");
                return factor == null ? null : Scale(at, tensor, (float)factor.Value, frame);
            }
            var x = RequireConstant(at, left, "scalar arithmetic");
            var y = RequireConstant(at, right, "scalar arithmetic");
            if (x == null || y == null) return null;
            bool isInt = x.IsInt && y.IsInt;
            switch (kind)
            {
                case BinaryOperatorKind.Add: return new NumberOperand(x.Value + y.Value, isInt);
                case BinaryOperatorKind.Subtract: return new NumberOperand(x.Value - y.Value, isInt);
                case BinaryOperatorKind.Multiply: return new NumberOperand(x.Value * y.Value, isInt);
                case BinaryOperatorKind.Divide when y.Value != 0:
                    return new NumberOperand(isInt ? System.Math.Truncate(x.Value / y.Value) : x.Value / y.Value, isInt);
                case BinaryOperatorKind.Equals: return Truth(x.Value == y.Value);
                case BinaryOperatorKind.NotEquals: return Truth(x.Value != y.Value);
                case BinaryOperatorKind.LessThan: return Truth(x.Value < y.Value);
                case BinaryOperatorKind.LessThanOrEqual: return Truth(x.Value <= y.Value);
                case BinaryOperatorKind.GreaterThan: return Truth(x.Value > y.Value);
                case BinaryOperatorKind.GreaterThanOrEqual: return Truth(x.Value >= y.Value);
                default:
                    Unsupported(at, "scalar expressions support + - * / and comparisons of constants");
                    return null;
            }
        }

        /// <summary>A comparison's result as a number: 1 true, 0 false.</summary>
        static NumberOperand Truth(bool value) => new NumberOperand(value ? 1 : 0, IsInt: true);

        Operand? Invoke(IInvocationOperation invocation, Frame frame)
        {
            var method = invocation.TargetMethod;
            var arguments = new IOperation?[method.Parameters.Length];
            foreach (var argument in invocation.Arguments)
                if (argument.Parameter != null) arguments[argument.Parameter.Ordinal] = argument.Value;

            string? type = method.ContainingType?.ToDisplayString();
            if (type == Attributes.Ops) return CallOp(invocation, method.Name, arguments, frame);
            if ((type == "System.MathF" || type == "System.Math") && method.Name == "Sqrt" && arguments.Length == 1)
            {
                var x = RequireConstant(invocation, Evaluate(arguments[0]!, frame), "Sqrt");
                return x == null ? null : new NumberOperand(System.Math.Sqrt(x.Value), IsInt: false);
            }
            if (invocation.Instance != null && !(invocation.Instance is IInstanceReferenceOperation))
            {
                var receiver = Evaluate(invocation.Instance, frame);
                if (receiver == null) return null;
                if (receiver is BlockOperand block)
                {
                    if (Attributes.Has(method, Attributes.Forward))
                        return InlineBlock(method, block.Block, arguments.Select(a => a == null ? null : Evaluate(a, frame)).ToList());
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingForward, invocation.Syntax.GetLocation(), block.Block.Type.Name,
                        $"mark '{method.Name}' with [Forward] so calls to it are compiled"));
                    return null;
                }
            }
            Unsupported(invocation, $"only Ops methods, MathF.Sqrt of constants and block Forward methods can be called");
            return null;
        }

        Operand? InlineBlock(IMethodSymbol method, Scope block, List<Operand?> arguments)
        {
            var result = Inline(method, block, arguments);
            if (result is TensorOperand tensor) temporaries.Add(tensor.Value);
            return result;
        }
    }
}
