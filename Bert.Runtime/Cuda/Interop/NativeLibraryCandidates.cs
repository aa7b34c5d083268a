using System.Runtime.InteropServices;

namespace Bert.Runtime.Cuda.Interop;

/// <summary>
/// One native library known to the bindings by a logical name (the name in <c>[LibraryImport]</c>),
/// loaded from the first of its candidate file names that the dynamic loader finds.
/// </summary>
internal sealed class NativeLibraryCandidates(string logicalName, string description, string installHint, params string[] fileNames)
{
    readonly Lazy<(nint Handle, string? File)> loaded = new(() =>
    {
        foreach (string file in fileNames)
            if (NativeLibrary.TryLoad(file, out nint handle)) return (handle, file);
        return (0, null);
    });

    public string LogicalName { get; } = logicalName;

    public bool IsAvailable => loaded.Value.Handle != 0;

    /// <summary>The file name the library was loaded from, or null when none of the candidates loads.</summary>
    public string? LoadedFile => loaded.Value.File;

    /// <summary>The library's handle; throws <see cref="CudaUnavailableException"/> when none of the candidates loads.</summary>
    public nint Handle => loaded.Value.Handle != 0
        ? loaded.Value.Handle
        : throw new CudaUnavailableException(description,
            $"{description} is not available (tried {string.Join(", ", fileNames)}). {installHint}");

    /// <summary>Throws <see cref="CudaUnavailableException"/> unless the library loads.</summary>
    public void EnsureLoaded() => _ = Handle;
}
