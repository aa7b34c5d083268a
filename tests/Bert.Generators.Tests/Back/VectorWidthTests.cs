using System.Reflection;
using Bert.Runtime.Cpu;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// The generated CPU program at both vector widths: its kernels are generic over the lanes (<see cref="IFloatLanes{TSelf}"/>)
/// and Forward and Backward pick 16 lanes where AVX-512 runs, else 8. Element-wise kernels give the same bits at either
/// width (CSharpKernelTests, RuntimeSupportTests); a whole model differs only by the order its sums add lanes in.
/// </summary>
public sealed class VectorWidthTests
{
    [Fact]
    public void The_tutorial_program_on_8_and_on_16_lanes_agrees_within_the_rounding_of_its_sums()
    {
        var plan = BlockLoopTests.Tutorial(2);
        using var narrow = BlockLoopTests.Create(plan);
        using var wide = BlockLoopTests.Create(plan);
        foreach (var model in new[] { narrow, wide })
        {
            model.InitializeParameters(7);
            BlockLoopTests.Fill(model);
        }

        float narrowLoss = Step<Lanes256>(narrow), wideLoss = Step<Lanes512>(wide);

        Assert.True(float.IsFinite(narrowLoss) && narrowLoss > 0);
        // Each sum of n floats rounds to within n·2⁻²⁴ of its magnitude in either order; rows here are at most 128 long,
        // and the loss and the gradients pass through a few such sums in a row.
        Assert.Equal(narrowLoss, wideLoss, 1e-5 * narrowLoss);
        float largest = narrow.ParameterGradients.Max(MathF.Abs);
        Assert.True(largest > 0);
        for (int i = 0; i < narrow.ParameterGradients.Length; i++)
            Assert.True(Math.Abs(narrow.ParameterGradients[i] - wide.ParameterGradients[i]) <= 1e-4 * largest,
                $"gradient {i}: {narrow.ParameterGradients[i]} on 8 lanes, {wide.ParameterGradients[i]} on 16");
    }

    /// <summary>One training forward and backward with the kernels' vector loops on <typeparamref name="TLanes"/>.</summary>
    static float Step<TLanes>(ITutorialModel model) where TLanes : struct, IFloatLanes<TLanes>
    {
        float loss = (float)Generic(model, "Forward").Invoke(model, [true, 11ul])!;
        Generic(model, "Backward").Invoke(model, []);
        return loss;

        static MethodInfo Generic(object model, string name) =>
            model.GetType().GetMethods(BindingFlags.NonPublic | BindingFlags.Instance)
                .Single(m => m.Name == name && m.IsGenericMethodDefinition).MakeGenericMethod(typeof(TLanes));
    }
}
