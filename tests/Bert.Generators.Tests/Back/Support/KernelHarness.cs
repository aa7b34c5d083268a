using System.Reflection;
using System.Text;
using Bert.Generators.Emit;
using Bert.Generators.Kernels;
using Bert.Generators.Passes;

namespace Bert.Generators.Tests.Back.Support;

/// <summary>
/// Compiles emitted C# kernels with a public array-taking wrapper per kernel, so a test can run a kernel on
/// managed arrays and compare it with a plain reference loop.
/// </summary>
sealed class KernelHarness
{
    readonly Type kernels;
    readonly Dictionary<string, Kernel> byName;

    KernelHarness(Type kernels, IEnumerable<Kernel> all)
    {
        this.kernels = kernels;
        byName = all.ToDictionary(k => k.Name);
    }

    /// <summary>Compiles <paramref name="kernels"/> as the pipeline finishes them (<see cref="KernelRewrites"/>).</summary>
    public static KernelHarness Compile(params Kernel[] kernels)
    {
        kernels = kernels.Select(KernelRewrites.Apply).ToArray();
        var source = new StringBuilder();
        foreach (string line in RuntimeTargets.UsingDirectives()) source.AppendLine(line);
        source.AppendLine("namespace Generated;").AppendLine("public static unsafe partial class Kernels").AppendLine("{");
        var w = new CodeWriter();
        foreach (var kernel in kernels)
        {
            new CSharpKernelEmitter().Emit(kernel, w);
            w.Blank();
            Wrapper(kernel, w);
            w.Blank();
        }
        source.Append(w).AppendLine("}");
        var assembly = InMemoryCompiler.Compile(source.ToString());
        return new KernelHarness(assembly.GetType("Generated.Kernels")!, kernels);
    }

    /// <summary>
    /// Runs kernel <paramref name="name"/>: buffers and scalars by name, symbols by name; its vector loops on 16 lanes
    /// when <paramref name="lanes"/> is 16, on 8 when it is 8, at this machine's width when null.
    /// </summary>
    public void Run(string name, Dictionary<string, Array> buffers, Dictionary<string, object>? scalars = null, Dictionary<string, int>? symbols = null,
        int? lanes = null)
    {
        var kernel = byName[name];
        var args = new object[]
        {
            kernel.Buffers.Select(b => buffers[b.Name]).ToArray(),
            kernel.Scalars.Select(s => scalars![s.Name]).ToArray(),
            KernelFacts.Symbols(kernel).Select(s => symbols![s]).ToArray(),
            (lanes ?? (Bert.Runtime.Cpu.FloatLanes.Wide ? 16 : 8)) == 16,
        };
        try
        {
            kernels.GetMethod("Run_" + name)!.Invoke(null, args);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            throw e.InnerException;
        }
    }

    /// <summary><c>public static void Run_Name(Array[] buffers, object[] scalars, int[] symbols, bool wide)</c>: pins and calls (a generic kernel on 16 lanes when wide).</summary>
    static void Wrapper(Kernel kernel, CodeWriter w)
    {
        w.Line($"public static void Run_{kernel.Name}(System.Array[] buffers, object[] scalars, int[] symbols, bool wide)");
        w.Open();
        var args = new List<string>();
        for (int b = 0; b < kernel.Buffers.Length; b++)
        {
            string type = kernel.Buffers[b].Type == ScalarType.F32 ? "float" : "int";
            w.Line($"fixed ({type}* b{b} = ({type}[])buffers[{b}])");
            args.Add($"b{b}");
        }
        for (int s = 0; s < kernel.Scalars.Length; s++)
            args.Add($"({CSharpDialect.Instance.TypeName(kernel.Scalars[s].Type)})scalars[{s}]");
        for (int s = 0; s < KernelFacts.Symbols(kernel).Length; s++) args.Add($"symbols[{s}]");
        string call = $"({string.Join(", ", args)});";
        if (CSharpKernelEmitter.HasVectorLoops(kernel))
        {
            w.Line($"if (wide) {kernel.Name}<Lanes512>{call}");
            w.Line($"else {kernel.Name}<Lanes256>{call}");
        }
        else w.Line(kernel.Name + call);
        w.Close();
    }
}
