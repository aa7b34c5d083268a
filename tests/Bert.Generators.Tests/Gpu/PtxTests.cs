using System.Diagnostics;
using System.Reflection;
using Bert.Generators.Tests.Back;
using Bert.Generators.Tests.Front;
using Bert.Runtime.Gpu;
using Bert.Tests;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit.Abstractions;

namespace Bert.Generators.Tests.Gpu;

/// <summary>
/// Every GPU kernel (each declared model's generated ILGPU kernels, and the runtime's Adam, norm and bf16 kernels)
/// compiles to PTX for the GPUs the project targets, with no GPU or driver present: ILGPU's PTX backend for sm_80
/// (A100) and sm_90 (H100/H200) at PTX ISA 7.8, written as <c>.target sm_80</c> (newer GPUs JIT it). Then NVIDIA's
/// assembler, <c>ptxas</c> from CUDA 11.8 (which scripts/setup extracts from Debian's non-free toolkit package), turns
/// each into machine code for <c>-arch=sm_80</c> and <c>-arch=sm_90</c>. CI always assembles; elsewhere a machine
/// without ptxas only compiles, and says so.
/// </summary>
public class PtxTests(ITestOutputHelper log)
{
    public static TheoryData<string> Programs() => ["TinyModel", "TutorialBert", "TinyBertClassifier", "RuntimeKernels"];

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_kernel_compiles_to_ptx_and_assembles_for_sm80_and_sm90(string program)
    {
        var kernels = Kernels(program);
        string? ptxas = Ptxas.Find();
        if (ptxas is null && CiGate.InCi) throw new InvalidOperationException("CI must assemble the PTX: ptxas is missing (scripts/setup installs it).");
        using var context = Context.Create(b => b.Cuda().EnableAlgorithms());
        string folder = Directory.CreateTempSubdirectory("bert-ptx-").FullName;
        try
        {
            foreach (var architecture in new[] { CudaArchitecture.SM_80, CudaArchitecture.SM_90 })
            {
                var backend = new PTXBackend(context, architecture, CudaInstructionSet.ISA_78, null!);
                long total = 0;
                foreach (var method in kernels)
                {
                    var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
                    string ptx = compiled.PTXAssembly;
                    Assert.Contains($".entry Kernel_{method.Name}(", ptx);
                    Assert.Contains(".target sm_80", ptx);
                    Assert.Contains(".version 7.8", ptx);
                    total += ptx.Length;
                    if (ptxas is not null) Ptxas.Assemble(ptxas, ptx, Path.Combine(folder, method.Name), architecture == CudaArchitecture.SM_80 ? "sm_80" : "sm_90");
                }
                log.WriteLine($"{program} {architecture}: {kernels.Count} kernels, {total:N0} bytes of PTX, " +
                              (ptxas is null ? "not assembled (no ptxas here)" : "assembled by ptxas"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static IReadOnlyList<MethodInfo> Kernels(string program)
    {
        if (program == "RuntimeKernels")
            return [.. typeof(RuntimeKernels).GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal))];
        var plan = program switch
        {
            "TinyModel" => TinyModelPlan.Create(),
            "TutorialBert" => Plans.Tutorial(),
            _ => IlgpuParityTests.SmallClassifier(),
        };
        var type = GeneratedIlgpuKernels.Compile(plan);
        return [.. plan.Kernels.Select(k => type.GetMethod(k.Name, BindingFlags.Public | BindingFlags.Static)!)];
    }
}

/// <summary>NVIDIA's PTX assembler: BERT_PTXAS, else <c>ptxas</c> on PATH, else where scripts/setup puts it.</summary>
static class Ptxas
{
    public const string SetupLocation = "/opt/bert-compiler/cuda-11.8/bin/ptxas";

    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("BERT_PTXAS") is { Length: > 0 } given) return given;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "ptxas"))) return Path.Combine(dir, "ptxas");
        return File.Exists(SetupLocation) ? SetupLocation : null;
    }

    /// <summary>Assembles <paramref name="ptx"/> for <paramref name="arch"/>; fails the test with ptxas' own message if it refuses.</summary>
    public static void Assemble(string ptxas, string ptx, string stem, string arch)
    {
        File.WriteAllText(stem + ".ptx", ptx);
        var start = new ProcessStartInfo(ptxas, ["-arch=" + arch, stem + ".ptx", "-o", stem + "." + arch + ".cubin"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ptxas -arch={arch} refused {Path.GetFileName(stem)}.ptx:\n{errors}");
        Assert.True(new FileInfo(stem + "." + arch + ".cubin").Length > 0);
    }
}
