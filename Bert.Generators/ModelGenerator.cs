using System.Linq;
using System.Text;
using Bert.Generators.Diagnostics;
using Bert.Generators.Emit;
using Bert.Generators.Parse;
using Bert.Generators.Passes;
using Bert.Generators.Plan;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Bert.Generators
{
    /// <summary>
    /// The Bert.Compiler generator: for each [Model] class, parse the declaration into graph IR, run the passes
    /// (autodiff, lowering, fusion, memory planning) into an execution plan, and emit the model's generated
    /// half (C# model class with CPU kernels; ILGPU kernels, their launch table and the GPU host program where ILGPU is referenced) — or report diagnostics.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        /// <summary>A CPU runtime type the emitted model calls; without it only the declaration support is generated.</summary>
        const string CpuRuntimeType = "Bert.Runtime.Cpu.Blas";

        /// <summary>The runtime types of <see cref="RuntimeTargets"/> that a compilation lacks, comma-separated ("" when none).</summary>
        static string MissingRuntimeTypes(Compilation c) =>
            string.Join(", ", RuntimeTargets.Types.Where(t => c.GetTypeByMetadataName(t.MetadataName) == null).Select(t => t.MetadataName));

        /// <summary>ILGPU's view type: a project that references ILGPU also gets the kernels as ILGPU C#.</summary>
        const string IlgpuType = "ILGPU.ArrayView`1";

        /// <summary>Names of the pipeline's steps, for tests that check what an edit re-runs.</summary>
        internal const string ParseStep = "Parse", ReferencesStep = "References";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = context.SyntaxProvider.ForAttributeWithMetadataName(
                Attributes.Model,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                transform: static (ctx, _) => ModelParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation))
                .WithTrackingName(ParseStep);
            var references = context.CompilationProvider.Select(static (c, _) =>
                (Runtime: c.GetTypeByMetadataName(CpuRuntimeType) != null, Missing: MissingRuntimeTypes(c), Ilgpu: c.GetTypeByMetadataName(IlgpuType) != null))
                .WithTrackingName(ReferencesStep);

            // One list of the assembly's compiled models, from every model that parsed (each failure is reported above).
            context.RegisterSourceOutput(models.Collect().Combine(references), static (output, pair) =>
            {
                var (results, (runtime, missing, _)) = pair;
                var compiled = results.Where(r => r.Graph != null).Select(r => r.Graph!).ToList();
                if (runtime && missing.Length == 0 && compiled.Count > 0)
                    output.AddSource(RegistryEmitter.HintName, SourceText.From(RegistryEmitter.Emit(compiled), Encoding.UTF8));
            });

            context.RegisterSourceOutput(models.Combine(references), static (output, pair) =>
            {
                var (result, (runtime, missing, ilgpu)) = pair;
                foreach (var diagnostic in result.Diagnostics) output.ReportDiagnostic(diagnostic);
                if (result.Graph == null) return;
                try
                {
                    var plan = PlanBuilder.Build(result.Graph);
                    if (!runtime)
                    {
                        output.AddSource(plan.ModelName + ".g.cs", SourceText.From(DeclarationSupport(plan), Encoding.UTF8));
                        return;
                    }
                    if (missing.Length > 0)
                    {
                        output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StaleRuntime, result.Location, result.Graph.Name, missing));
                        return;
                    }
                    foreach (var file in ModelEmitter.Emit(plan, ilgpu))
                        output.AddSource(file.HintName, SourceText.From(file.Text, Encoding.UTF8));
                }
                catch (System.Exception e) when (e is PlanException || e is EmitException)
                {
                    output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CompilationFailed, result.Location, result.Graph.Name, e.Message));
                }
            });
        }

        /// <summary>
        /// For a project that references no CPU runtime (a declaration-only library, the generator's own tests):
        /// the constructor that sets the construction-time dimensions and allocates the block arrays, so the
        /// declaration compiles warning-free; the execution plan is attached as a comment.
        /// </summary>
        static string DeclarationSupport(ExecutionPlan plan)
        {
            var code = new StringBuilder();
            code.AppendLine("// <auto-generated/> by Bert.Generators: reference Bert.Runtime (with Bert.Runtime.Cpu) to get Forward/Backward.");
            code.AppendLine("#nullable enable");
            if (plan.Namespace.Length > 0) code.AppendLine($"namespace {plan.Namespace};").AppendLine();
            code.AppendLine($"partial class {plan.ModelName}");
            code.AppendLine("{");
            code.AppendLine($"    public {plan.ModelName}({string.Join(", ", plan.ConstructionSymbols.Select(d => "int " + Camel(d)))})");
            code.AppendLine("    {");
            foreach (var d in plan.ConstructionSymbols) code.AppendLine($"        {d} = {Camel(d)};");
            foreach (var b in plan.BlockArrays) code.AppendLine($"        {b.Field} = new global::{b.TypeName}[{b.Count}];");
            code.AppendLine("    }");
            code.AppendLine();
            code.AppendLine($"    public static string MemoryFormula => \"{plan.Memory.Describe()}\";");
            code.AppendLine("}");
            code.AppendLine();
            foreach (var line in PlanPrinter.Plan(plan).Split('\n')) code.AppendLine("// " + line.TrimEnd('\r'));
            return code.ToString();
        }

        static string Camel(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);
    }
}
