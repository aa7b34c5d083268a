using System.Diagnostics;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

// Runs the GPU tests of the test assemblies in-process on GPU 0, the way xunit would: one instance per case, an
// ITestOutputHelper for constructors that take one, Dispose after. A GPU test is one whose attribute is [GpuFact] /
// [GpuTheory] (real hardware only), or any test of a Gpu* class (they run on the simulator in CI and on TestGpu,
// GPU 0 here, once BERT_TEST_GPU=1 is set, which this does first); the simulator's own CLI test is left to CI.
// Arguments filter by substring of "Class.Method". Prints one line per case and exits with the number of failures.
Environment.SetEnvironmentVariable("BERT_TEST_GPU", "1");
Assembly[] assemblies =
[
    typeof(Bert.Runtime.Tests.Gpu.GpuSessionTests).Assembly, typeof(Bert.Generators.Tests.Back.GpuModelTests).Assembly,
    typeof(Bert.Samples.Tests.GpuTrainingTests).Assembly,
];
int passed = 0, failed = 0, skipped = 0;

foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsPublic && !t.IsAbstract).OrderBy(t => t.FullName))
{
    foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
    {
        var fact = method.GetCustomAttributes<FactAttribute>().SingleOrDefault();
        if (fact == null || !(fact.GetType().Name.StartsWith("Gpu") || type.Name.StartsWith("Gpu") && type.Name != "GpuSimulatorTests")) continue;
        string name = $"{type.Name}.{method.Name}";
        if (args.Length > 0 && !args.Any(name.Contains)) continue;
        var cases = fact is TheoryAttribute
            ? method.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(method)).ToList()
            : [[]];
        foreach (object?[] row in cases)
        {
            string label = row.Length == 0 ? name : $"{name}({string.Join(", ", row)})";
            if (fact.Skip != null)
            {
                skipped++;
                Console.WriteLine($"SKIP {label}: {fact.Skip}");
                continue;
            }
            var output = new ConsoleOutput();
            var clock = Stopwatch.StartNew();
            try
            {
                Run(type, method, row, output);
                passed++;
                Console.WriteLine($"PASS {label} ({clock.ElapsedMilliseconds} ms)");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"FAIL {label} ({clock.ElapsedMilliseconds} ms)\n{Indent((e is TargetInvocationException { InnerException: { } inner } ? inner : e).ToString())}");
            }
            if (output.Text.Length > 0) Console.Write(Indent(output.Text));
        }
    }
}
Console.WriteLine($"GPU tests: {passed} passed, {failed} failed, {skipped} skipped");
return failed;

static void Run(Type type, MethodInfo method, object?[] row, ITestOutputHelper output)
{
    var constructor = type.GetConstructors().Single();
    object instance = constructor.Invoke([.. constructor.GetParameters().Select(p => p.ParameterType == typeof(ITestOutputHelper) ? output : null)]);
    try
    {
        // InlineData keeps the literal's type (an int for a long parameter): convert as xunit does.
        var parameters = method.GetParameters();
        object?[] arguments = [.. row.Select((value, i) => value == null || parameters[i].ParameterType.IsInstanceOfType(value)
            ? value
            : Convert.ChangeType(value, parameters[i].ParameterType, System.Globalization.CultureInfo.InvariantCulture))];
        method.Invoke(instance, arguments);
    }
    finally
    {
        (instance as IDisposable)?.Dispose();
    }
}

static string Indent(string text) => string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l + "\n"));

sealed class ConsoleOutput : ITestOutputHelper
{
    readonly System.Text.StringBuilder text = new();

    public string Text => text.ToString();

    public void WriteLine(string message) => text.AppendLine(message);

    public void WriteLine(string format, params object[] args) => text.AppendLine(string.Format(format, args));
}
