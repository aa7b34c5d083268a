using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// One native library known to the bindings by a logical name (the name in <c>[LibraryImport]</c>),
/// loaded from the first of its candidates that the dynamic loader finds: file names (searched on the loader's
/// path) or absolute paths, listed when the library is first needed.
/// </summary>
internal sealed class NativeLibraryCandidates(string logicalName, string description, string installHint, Func<IReadOnlyList<string>> candidates)
{
    public NativeLibraryCandidates(string logicalName, string description, string installHint, params string[] fileNames)
        : this(logicalName, description, installHint, () => fileNames) { }

    readonly Lazy<(nint Handle, string? File, IReadOnlyList<string> Tried)> loaded = new(() =>
    {
        var files = candidates();
        foreach (string file in files)
            if (NativeLibrary.TryLoad(file, out nint handle)) return (handle, file, files);
        return (0, null, files);
    });

    public string LogicalName { get; } = logicalName;

    public bool IsAvailable => loaded.Value.Handle != 0;

    /// <summary>The file name the library was loaded from, or null when none of the candidates loads.</summary>
    public string? LoadedFile => loaded.Value.File;

    /// <summary>The library's handle; throws <see cref="CudaUnavailableException"/> when none of the candidates loads.</summary>
    public nint Handle => loaded.Value.Handle != 0
        ? loaded.Value.Handle
        : throw new CudaUnavailableException(description,
            $"{description} is not available (tried {string.Join(", ", loaded.Value.Tried)}). {installHint}");

    /// <summary>Throws <see cref="CudaUnavailableException"/> unless the library loads.</summary>
    public void EnsureLoaded() => _ = Handle;
}
