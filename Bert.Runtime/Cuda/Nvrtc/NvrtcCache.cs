using System.Security.Cryptography;
using System.Text;

namespace Bert.Runtime.Cuda.Nvrtc;

/// <summary>
/// On-disk cache of NVRTC output, one file per SHA-256 of everything that affects the image (NVRTC version,
/// target, options, headers, source). Writes go to a temporary file then are renamed into place, so a
/// reader never sees a partial image even with concurrent compilers.
/// </summary>
public sealed class NvrtcCache(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>$XDG_CACHE_HOME/bert-compiler/nvrtc, or ~/.cache/bert-compiler/nvrtc.</summary>
    public static string DefaultDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "bert-compiler", "nvrtc");
        }
    }

    /// <summary>Hex SHA-256 over the parts, each terminated by a NUL so that no two part lists collide.</summary>
    public static string Key(IEnumerable<string> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string part in parts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            hash.AppendData([0]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public bool TryRead(string key, NvrtcOutput output, out byte[] image)
    {
        string path = PathFor(key, output);
        image = File.Exists(path) ? File.ReadAllBytes(path) : [];
        return image.Length > 0;
    }

    /// <summary>Stores an image; a cache that cannot be written (read-only home, full disk) only costs a recompile.</summary>
    public void Write(string key, NvrtcOutput output, byte[] image)
    {
        string path = PathFor(key, output);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    string PathFor(string key, NvrtcOutput output) =>
        Path.Combine(Directory, key + (output == NvrtcOutput.Cubin ? ".cubin" : ".ptx"));
}
