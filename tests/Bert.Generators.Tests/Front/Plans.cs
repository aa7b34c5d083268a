using Bert.Generators.Graph;
using Bert.Generators.Passes;
using Bert.Generators.Plan;

namespace Bert.Generators.Tests.Front;

/// <summary>Execution plans of declarations, built in memory (parse + passes), cached per source.</summary>
static class Plans
{
    static readonly Dictionary<string, (ModelGraph Graph, ExecutionPlan Plan)> Cache = new();

    public static (ModelGraph Graph, ExecutionPlan Plan) Build(params string[] sources)
    {
        string key = string.Join("\n//--\n", sources);
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var cached)) return cached;
            var result = TestCompiler.Parse(sources);
            Assert.True(result.Graph != null, string.Join("\n", result.Diagnostics));
            var built = (result.Graph!, PlanBuilder.Build(result.Graph!));
            Cache[key] = built;
            return built;
        }
    }

    public static string[] Unfused(string[] sources) =>
        sources.Select(s => s.Replace("[Model]", "[Model(Fuse = false)]")).ToArray();

    public static ExecutionPlan Tutorial(bool fuse = true) =>
        Build(fuse ? TestCompiler.TutorialSources() : Unfused(TestCompiler.TutorialSources())).Plan;
}
