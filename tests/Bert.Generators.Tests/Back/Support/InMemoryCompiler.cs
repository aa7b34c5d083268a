using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bert.Generators.Tests.Back.Support;

/// <summary>
/// Compiles generated C# with Roslyn into an in-memory assembly under the repository's build rules (nullable,
/// unsafe, warnings as errors), referencing the framework, Bert.Graph, Bert.Runtime, ILGPU and this test assembly.
/// </summary>
static class InMemoryCompiler
{
    static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Bert.Runtime.Execution.KernelMath).Assembly.Location)
            .Append(typeof(InMemoryCompiler).Assembly.Location)
            .Append(typeof(Bert.Graph.Tensor).Assembly.Location)
            .Append(typeof(ILGPU.Context).Assembly.Location)
            .Append(typeof(ILGPU.Algorithms.XMath).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    public static Assembly Compile(params string[] sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Generated" + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s, parse)),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(20);
            throw new InvalidOperationException("Generated code does not compile:\n" + string.Join("\n", errors));
        }
        image.Position = 0;
        return new AssemblyLoadContext(null, isCollectible: true).LoadFromStream(image);
    }
}
