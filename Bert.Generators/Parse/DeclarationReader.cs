using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Bert.Generators.Common;
using Bert.Generators.Diagnostics;
using Bert.Generators.Graph;
using Bert.Generators.Kernels;
using Microsoft.CodeAnalysis;

namespace Bert.Generators.Parse
{
    /// <summary>
    /// Reads the fields of a [Model] class and of the [Block] classes it uses: dimensions, hyper-parameters,
    /// inputs, parameters (one set per block instance, with qualified and Hugging Face names) and block fields.
    /// </summary>
    internal sealed class DeclarationReader
    {
        readonly GraphBuilder builder;
        readonly List<Diagnostic> diagnostics;
        readonly Dictionary<string, SizeExpr> dims = new Dictionary<string, SizeExpr>();
        readonly Dictionary<string, Operand> dimOperands = new Dictionary<string, Operand>();
        readonly Dictionary<string, Operand> hyperOperands = new Dictionary<string, Operand>();
        string modelName = "";

        public DeclarationReader(GraphBuilder builder, List<Diagnostic> diagnostics)
        {
            this.builder = builder;
            this.diagnostics = diagnostics;
        }

        ModelGraph Graph => builder.Graph;

        /// <summary>Each parameter value with the field that declares it (for the unused-parameter check).</summary>
        public List<KeyValuePair<Value, IFieldSymbol>> ParamFields { get; } = new List<KeyValuePair<Value, IFieldSymbol>>();

        /// <summary>The fields of <paramref name="type"/> and of its base classes (a shared declaration that thin shape classes derive from).</summary>
        static IEnumerable<IFieldSymbol> Fields(INamedTypeSymbol type) => Declarations.SelfAndBases(type).SelectMany(t => t.GetMembers().OfType<IFieldSymbol>());

        void Report(DiagnosticDescriptor descriptor, ISymbol at, params object[] args) =>
            diagnostics.Add(Diagnostic.Create(descriptor, at.Locations.FirstOrDefault(), args));

        public Scope ReadModel(INamedTypeSymbol model)
        {
            modelName = model.Name;
            var scope = new Scope(model, "", model.Name);
            foreach (var field in Fields(model))
            {
                if (Attributes.Has(field, Attributes.Dim)) ReadModelDim(field, scope);
                else if (Attributes.Has(field, Attributes.Hyper)) ReadModelHyper(field, scope);
            }
            foreach (var field in Fields(model))
            {
                if (Attributes.Find(field, Attributes.Input) is { } input) ReadInput(field, input, scope);
                else if (Attributes.Find(field, Attributes.Param) is { } param) ReadParam(field, param, scope, "", null);
                else if (Attributes.Find(field, Attributes.Block) is { } block) ReadBlockField(field, block, scope, "", "", null);
            }
            MarkConstructionSymbols();
            return scope;
        }

        void ReadModelDim(IFieldSymbol field, Scope scope)
        {
            if (field.Type.SpecialType != SpecialType.System_Int32)
            {
                Report(DiagnosticDescriptors.InvalidMember, field, "[Dim]", field.Name, "a dimension must be an int field or const");
                return;
            }
            if (field.HasConstantValue)
            {
                long value = (int)field.ConstantValue!;
                dims[field.Name] = SizeExpr.Constant(value);
                dimOperands[field.Name] = new NumberOperand(value, IsInt: true);
            }
            else
            {
                dims[field.Name] = SizeExpr.Symbol(field.Name);
                dimOperands[field.Name] = new SymbolOperand(field.Name);
                Graph.Symbols.Add(new SymbolDecl(field.Name, FixedAtConstruction: false));
            }
            scope.Members[field.Name] = dimOperands[field.Name];
        }

        /// <summary>A float field is read each step; a <c>const float</c> is folded like a constant (e.g. LayerNorm's epsilon).</summary>
        void ReadModelHyper(IFieldSymbol field, Scope scope)
        {
            if (field.Type.SpecialType != SpecialType.System_Single)
            {
                Report(DiagnosticDescriptors.InvalidMember, field, "[Hyper]", field.Name, "a hyper-parameter must be a float field or const");
                return;
            }
            if (field.HasConstantValue)
                hyperOperands[field.Name] = new NumberOperand((float)field.ConstantValue!, IsInt: false);
            else
            {
                hyperOperands[field.Name] = new HyperOperand(field.Name);
                Graph.Hypers.Add(field.Name);
            }
            scope.Members[field.Name] = hyperOperands[field.Name];
        }

        void ReadInput(IFieldSymbol field, AttributeData attribute, Scope scope)
        {
            bool isInt = Attributes.IsType(field.Type, Attributes.IntTensor);
            if (!isInt && !Attributes.IsType(field.Type, Attributes.Tensor))
            {
                Report(DiagnosticDescriptors.InvalidMember, field, "[Input]", field.Name, "an input must be a Tensor or IntTensor field");
                return;
            }
            var shape = ParseShape(field, attribute, modelName);
            if (shape.IsDefault) return;
            var value = builder.NewValue(field.Name, field.Name, ValueKind.Input, isInt ? ScalarType.I32 : ScalarType.F32, shape);
            Graph.Inputs.Add(value);
            scope.Members[field.Name] = new TensorOperand(value);
        }

        ImmutableArray<SizeExpr> ParseShape(IFieldSymbol field, AttributeData attribute, string owner) =>
            ShapeParser.Parse(Attributes.StringArgument(attribute, 0) ?? "", dims, owner,
                Attributes.ArgumentLocation(attribute, 0, field), diagnostics);

        /// <param name="qualifier">"" for the model, "Encoder[0]." inside a block instance.</param>
        /// <param name="hfPrefix">The enclosing block's Hugging Face prefix, null for the model.</param>
        void ReadParam(IFieldSymbol field, AttributeData attribute, Scope scope, string qualifier, string? hfPrefix)
        {
            if (!Attributes.IsType(field.Type, Attributes.Tensor))
            {
                Report(DiagnosticDescriptors.InvalidMember, field, "[Param]", field.Name, "a parameter must be a Tensor field");
                return;
            }
            var shape = ParseShape(field, attribute, modelName);
            if (shape.IsDefault) return;
            string name = qualifier + field.Name;
            string hf = Attributes.Named(attribute, "Hf")?.Value as string ?? field.Name;
            if (hfPrefix != null) hf = hfPrefix + "." + hf;
            var init = Attributes.Named(attribute, "Init")?.Value is int i ? i : 0;
            float scale = Attributes.Named(attribute, "Scale")?.Value is float s ? s : 0.02f;
            bool decay = Attributes.Named(attribute, "WeightDecay")?.Value is bool d ? d : shape.Length >= 2;
            var value = builder.NewValue(name, field.Name, ValueKind.Param, ScalarType.F32, shape);
            Graph.Params.Add(new ParamInfo(value, hf, InitName(init), init == 0 ? scale : 0f, decay));
            ParamFields.Add(new KeyValuePair<Value, IFieldSymbol>(value, field));
            scope.Members[field.Name] = new TensorOperand(value);
        }

        static string InitName(int init) => init switch { 1 => "Zeros", 2 => "Ones", _ => "Normal" };

        void ReadBlockField(IFieldSymbol field, AttributeData attribute, Scope scope, string qualifier, string valuePrefix, string? hfPrefix)
        {
            string? countName = Attributes.StringArgument(attribute, 0);
            var elementType = (countName != null ? (field.Type as IArrayTypeSymbol)?.ElementType : field.Type) as INamedTypeSymbol;
            if (elementType == null)
            {
                Report(DiagnosticDescriptors.InvalidMember, field, "[Block]", field.Name,
                    countName != null ? "a block array must be declared as an array of a [Block] class" : "a block field must be of a [Block] class type");
                return;
            }
            if (!Attributes.Has(elementType, Attributes.Block))
            {
                Report(DiagnosticDescriptors.NotABlock, field, elementType.Name);
                return;
            }
            string? hf = Attributes.Named(attribute, "Hf")?.Value as string;
            if (hf != null && hfPrefix != null) hf = hfPrefix + "." + hf;
            if (countName == null)
            {
                string prefix = hf ?? qualifier + field.Name;
                scope.Members[field.Name] = new BlockOperand(ReadBlock(elementType, qualifier + field.Name + ".", valuePrefix + field.Name + "_", field.Name, prefix));
                return;
            }
            if (!dimOperands.TryGetValue(countName, out var count) || !(count is NumberOperand number))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotConstant, Attributes.ArgumentLocation(attribute, 0, field),
                    countName, "the number of blocks must be a const [Dim] of the model"));
                return;
            }
            var blocks = ImmutableArray.CreateBuilder<Scope>();
            for (int i = 0; i < (int)number.Value; i++)
            {
                string index = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                string prefix = hf != null ? hf.Replace("{i}", index) : qualifier + field.Name + "." + index;
                blocks.Add(ReadBlock(elementType, $"{qualifier}{field.Name}[{index}].", $"{valuePrefix}{field.Name}{index}_", field.Name, prefix));
            }
            if (qualifier.Length == 0) Graph.BlockArrays.Add(new BlockArrayInfo(field.Name, elementType.ToDisplayString(), (int)number.Value));
            scope.Members[field.Name] = new BlockArrayOperand(blocks.ToImmutable());
        }

        /// <summary>One instance of a block: its dims and hypers are the model's of the same name; its parameters are new.</summary>
        Scope ReadBlock(INamedTypeSymbol type, string qualifier, string valuePrefix, string kernelScope, string hfPrefix)
        {
            var scope = new Scope(type, valuePrefix, kernelScope);
            foreach (var field in Fields(type))
            {
                if (Attributes.Has(field, Attributes.Dim)) BindToModel(field, type, "dimension", dimOperands, scope);
                else if (Attributes.Has(field, Attributes.Hyper)) BindToModel(field, type, "hyper-parameter", hyperOperands, scope);
                else if (Attributes.Find(field, Attributes.Param) is { } param) ReadParam(field, param, scope, qualifier, hfPrefix);
                else if (Attributes.Find(field, Attributes.Block) is { } block) ReadBlockField(field, block, scope, qualifier, valuePrefix, hfPrefix);
                else if (Attributes.Has(field, Attributes.Input))
                    Report(DiagnosticDescriptors.InvalidMember, field, "[Input]", field.Name, "inputs belong to the model; pass them to the block's Forward");
            }
            return scope;
        }

        void BindToModel(IFieldSymbol field, INamedTypeSymbol block, string what, Dictionary<string, Operand> from, Scope scope)
        {
            if (from.TryGetValue(field.Name, out var operand)) scope.Members[field.Name] = operand;
            else Report(DiagnosticDescriptors.UnboundBlockMember, field, block.Name, what, field.Name, modelName);
        }

        /// <summary>A run-time dimension that sizes a parameter is fixed when the model is constructed (e.g. Vocab).</summary>
        void MarkConstructionSymbols()
        {
            var used = new HashSet<string>(Graph.Params.SelectMany(p => p.Value.Shape).SelectMany(d => d.Symbols));
            for (int i = 0; i < Graph.Symbols.Count; i++)
                if (used.Contains(Graph.Symbols[i].Name)) Graph.Symbols[i] = Graph.Symbols[i] with { FixedAtConstruction = true };
        }
    }
}
