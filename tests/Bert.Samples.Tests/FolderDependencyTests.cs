using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Bert.Samples.Tests;

/// <summary>
/// The top-level folders of each project (one namespace each: Bert.Runtime.Trainer, Bert.Samples.Models, …) depend on
/// one another without cycles, so each layer can be read, and changed, from the bottom up.
/// </summary>
public class FolderDependencyTests
{
    [Theory]
    [InlineData("Bert.Generators")]
    [InlineData("Bert.Runtime")]
    [InlineData("Bert.Samples")]
    public void The_folders_of_a_project_depend_on_each_other_without_cycles(string project)
    {
        var edges = FolderEdges(project);
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, $"{project}: folders depend on each other in a cycle: {string.Join(" → ", cycle ?? [])}");
    }

    /// <summary>The runtime's audiences: memory, kernels, devices, the trainer loop, checkpoints and distribution for any model; BERT's data, WordPiece and MLM + NSP pretraining on top of them.</summary>
    [Fact]
    public void The_generic_runtime_uses_nothing_of_BERTs_data_text_or_pretraining()
    {
        string[] bert = ["Data", "Text", "Pretraining"];
        foreach (var (folder, targets) in FolderEdges("Bert.Runtime").Where(e => !bert.Contains(e.Key)))
            Assert.False(targets.Overlaps(bert), $"Bert.Runtime/{folder} uses {string.Join(", ", targets.Intersect(bert))}: BERT's data, text and pretraining build on the generic runtime, not the other way round");
    }

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        var edges = new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] };
        Assert.Equal(["A", "B", "C", "A"], FindCycle(edges));
        Assert.Null(FindCycle(new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = [] }));
    }

    /// <summary>Folder → the sibling folders its files name, as Bert.Project.Folder or (inside the project's namespace) Folder.Type.</summary>
    static Dictionary<string, HashSet<string>> FolderEdges(string project)
    {
        string root = Path.Combine(RepositoryRoot(), project);
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj") && Directory.EnumerateFiles(Path.Combine(root, f), "*.cs", SearchOption.AllDirectories).Any())
            .ToHashSet();
        string names = string.Join("|", folders);
        var reference = new Regex($@"\b{Regex.Escape(project)}\.({names})\b|(?<![\w.])({names})\.[A-Z]");
        var edges = folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (string folder in folders)
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
                foreach (Match m in reference.Matches(File.ReadAllText(file)))
                {
                    string target = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                    if (target != folder) edges[folder].Add(target);
                }
        return edges;
    }

    /// <summary>A path that returns to where it started, or null when the graph has none.</summary>
    static List<string>? FindCycle(Dictionary<string, HashSet<string>> edges)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            int at = path.IndexOf(node);
            if (at >= 0) return [.. path.Skip(at), node];
            if (!done.Add(node)) return null;
            path.Add(node);
            foreach (string next in edges.GetValueOrDefault(node) ?? [])
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            return null;
        }
        foreach (string node in edges.Keys.Order(StringComparer.Ordinal))
            if (Visit(node) is { } cycle) return cycle;
        return null;
    }

    static string RepositoryRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
