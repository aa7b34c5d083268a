using System.Linq;
using Bert.Generators.Kernels;
using Bert.Generators.Plan;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// The launch table of a model's GPU kernels: a nested static class <c>KernelLaunches</c> with each kernel's index
    /// (the constant generated host code passes to <c>gpu.Launch</c>) and one <c>KernelLaunch</c> record per kernel in
    /// the same order (its <see cref="LaunchRule"/>: grid rule, group size, the work it covers, and its
    /// arguments), which the GPU session reads to load and launch the <c>IlgpuKernels</c> methods.
    /// </summary>
    internal static class LaunchTableEmitter
    {
        public static void Emit(ExecutionPlan plan, CodeWriter w)
        {
            w.Line("/// <summary>How to launch each kernel of <see cref=\"IlgpuKernels\"/>, and each one's index for <c>gpu.Launch</c>.</summary>");
            w.Line("public static class KernelLaunches");
            w.Open();
            for (int i = 0; i < plan.Kernels.Length; i++)
            {
                string name = plan.Kernels[i].Name;
                if (name == "Launches")
                    throw new EmitException($"A kernel is named '{name}', which KernelLaunches uses for its table; name it after the ops it fuses.");
                w.Line($"public const int {name} = {i};");
            }
            w.Blank();
            w.Line("/// <summary>One record per kernel, in index order.</summary>");
            w.Line("public static KernelLaunch[] Launches { get; } =");
            w.Open("[");
            foreach (var kernel in plan.Kernels) Launch(kernel, w);
            w.Close("];");
            w.Close();
        }

        static void Launch(Kernel kernel, CodeWriter w)
        {
            var rule = LaunchRule.For(kernel);
            string symbols = string.Join(", ", rule.Work.Symbols.Select(Identifiers.Quote));
            var arguments = kernel.Buffers.Select(b => Argument(b.Name, b.Type == ScalarType.F32 ? "FloatPointer" : "IntPointer"))
                .Concat(kernel.Scalars.Select(s => Argument(s.Name, s.Type switch { ScalarType.F32 => "Float", ScalarType.I32 => "Int", _ => "UInt64" })))
                .Concat(KernelFacts.Symbols(kernel).Select(s => Argument(s, "Dimension")));
            w.Line($"new({Identifiers.Quote(kernel.Name)}, GridRule.{(rule.OneBlockPerRow ? "BlockPerRow" : "GridStride")}, " +
                   $"BlockSize: {rule.BlockSize}, WorkCoefficient: {rule.Work.Coefficient}, WorkSymbols: [{symbols}],");
            w.Line($"    Arguments: [{string.Join(", ", arguments)}]),");
        }

        static string Argument(string name, string kind) => $"new({Identifiers.Quote(name)}, KernelArgumentKind.{kind})";
    }
}
