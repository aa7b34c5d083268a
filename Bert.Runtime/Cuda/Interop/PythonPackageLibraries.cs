namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// Finds native libraries that Python packages ship inside their install folders, such as the NCCL of PyTorch's CUDA
/// wheels (<c>site-packages/nvidia/nccl/lib/libnccl.so.2</c>), so a machine set up for PyTorch needs no separate
/// install. Looks in the site-packages and dist-packages folders of every <c>python3*</c> under the usual prefixes.
/// </summary>
internal static class PythonPackageLibraries
{
    /// <summary>Existing files <c>&lt;packages folder&gt;/<paramref name="relativePath"/></c> under the default prefixes.</summary>
    public static IReadOnlyList<string> Find(string relativePath) => Find(relativePath, DefaultPrefixes());

    /// <summary>Existing files <c>&lt;prefix&gt;/lib/python3*/{site,dist}-packages/<paramref name="relativePath"/></c>, in prefix order.</summary>
    public static IReadOnlyList<string> Find(string relativePath, IEnumerable<string> prefixes)
    {
        var found = new List<string>();
        foreach (string prefix in prefixes)
        {
            string lib = Path.Combine(prefix, "lib");
            if (!Directory.Exists(lib)) continue;
            // Newest Python first, so a venv's current interpreter wins over a leftover older one.
            foreach (string python in Directory.EnumerateDirectories(lib, "python3*").OrderByDescending(PythonVersion))
                foreach (string packages in new[] { "site-packages", "dist-packages" })
                {
                    string file = Path.Combine(python, packages, relativePath);
                    if (File.Exists(file) && !found.Contains(file)) found.Add(file);
                }
        }
        return found;
    }

    /// <summary>3.12 from ".../python3.12" (so 3.12 sorts after 3.9); folders like "python3" sort first.</summary>
    static Version PythonVersion(string folder) =>
        Version.TryParse(Path.GetFileName(folder)["python".Length..], out var version) ? version : new Version(0, 0);

    /// <summary>The active virtual or conda environment, the user's ~/.local, then the system prefixes.</summary>
    static IEnumerable<string> DefaultPrefixes()
    {
        foreach (string variable in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } environment) yield return environment;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0) yield return Path.Combine(home, ".local");
        yield return "/usr/local";
        yield return "/usr";
    }
}
