using System.Diagnostics;

namespace Bert.Samples.Tests.Reliability;

/// <summary>
/// A tmpfs of a given size mounted for one test: a full disk, for real. Mounting needs root (and a system that
/// allows it); <see cref="SmallDiskFactAttribute"/> reports the test as skipped, with that reason, where it cannot.
/// </summary>
sealed class SmallDisk : IDisposable
{
    public SmallDisk(int megabytes)
    {
        Folder = Directory.CreateTempSubdirectory("bert-disk-").FullName;
        if (!Mount(Folder, megabytes)) throw new InvalidOperationException($"Could not mount a {megabytes} MiB tmpfs on {Folder}.");
    }

    public string Folder { get; }

    public static bool CanMount { get; } = Probe();

    static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return false;
        string folder = Directory.CreateTempSubdirectory("bert-disk-probe-").FullName;
        try
        {
            if (!Mount(folder, 1)) return false;
            Run("umount", folder);
            return true;
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    static bool Mount(string folder, int megabytes) => Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", folder);

    static bool Run(string program, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Fills the disk: a file that grows until the file system has no room left.</summary>
    public void Fill()
    {
        using var filler = new FileStream(Path.Combine(Folder, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try
        {
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        Run("umount", "-l", Folder);
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A test that needs <see cref="SmallDisk"/>: skipped, saying why, where tmpfs cannot be mounted.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (!SmallDisk.CanMount) Skip = "Needs to mount a small tmpfs (root on Linux) to fill a disk for real.";
    }
}
