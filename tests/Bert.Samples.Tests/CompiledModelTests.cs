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

    [Fact]
    public void The_classifiers_are_every_compiled_pair_classifier_from_the_generated_registry_smallest_first()
    {
        var declared = typeof(Models.TutorialBert).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<ModelAttribute>() != null && typeof(Models.ICompiledPairClassifier).IsAssignableFrom(t))
            .Select(t => t.Name).Order(StringComparer.Ordinal);
        var listed = Models.CompiledModels.Classifiers;
        Assert.Equal(declared, listed.Select(c => c.ClassName).Order(StringComparer.Ordinal));
        Assert.Equal(listed.Select(c => (c.Shape.Layers, c.Shape.Hidden)).Order(), listed.Select(c => (c.Shape.Layers, c.Shape.Hidden)));
        using var model = listed.Single(c => c.ClassName == nameof(Models.BertMiniClassifier)).Create(100);
        Assert.IsType<Models.BertMiniClassifier>(model);
    }
}
