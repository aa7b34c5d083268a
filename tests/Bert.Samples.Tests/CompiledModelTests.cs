using System.Reflection;
using Bert.Graph;
using Bert.Runtime.Gpu;

namespace Bert.Samples.Tests;

/// <summary>The sample's [Model] classes as the generator compiled them.</summary>
public class CompiledModelTests
{
    [Fact]
    public void Every_model_the_generator_compiles_is_a_compiled_model_with_its_gpu_program()
    {
        var models = typeof(Models.TutorialBert).Assembly.GetTypes().Where(t => t.GetCustomAttribute<ModelAttribute>() != null).ToList();
        Assert.Contains(typeof(Models.TutorialBert), models);
        Assert.Contains(typeof(Models.BertBaseClassifier), models);
        Assert.All(models, t => Assert.True(typeof(ICompiledGpuModel).IsAssignableFrom(t), $"{t.Name} does not implement ICompiledGpuModel"));
    }
}
