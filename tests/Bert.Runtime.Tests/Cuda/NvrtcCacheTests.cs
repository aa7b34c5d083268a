using Bert.Runtime.Cuda.Nvrtc;

namespace Bert.Runtime.Tests.Cuda;

public sealed class NvrtcCacheTests : IDisposable
{
    readonly string directory = Path.Combine(Path.GetTempPath(), "bert-nvrtc-cache-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Key_separates_parts_so_shifted_boundaries_differ()
    {
        Assert.NotEqual(NvrtcCache.Key(["ab", "c"]), NvrtcCache.Key(["a", "bc"]));
        Assert.Equal(NvrtcCache.Key(["ab", "c"]), NvrtcCache.Key(["ab", "c"]));
        Assert.Matches("^[0-9a-f]{64}$", NvrtcCache.Key(["x"]));
    }

    [Fact]
    public void Written_image_reads_back_under_its_kind_only()
    {
        var cache = new NvrtcCache(directory);
        string key = NvrtcCache.Key(["k"]);
        byte[] image = [1, 2, 3];

        Assert.False(cache.TryRead(key, NvrtcOutput.Cubin, out _));
        cache.Write(key, NvrtcOutput.Cubin, image);

        Assert.True(cache.TryRead(key, NvrtcOutput.Cubin, out byte[] read));
        Assert.Equal(image, read);
        Assert.False(cache.TryRead(key, NvrtcOutput.Ptx, out _));
        Assert.Equal([Path.Combine(directory, key + ".cubin")], Directory.GetFiles(directory));
    }

    [Fact]
    public void Unwritable_cache_costs_only_the_cache()
    {
        string file = Path.Combine(Path.GetTempPath(), "bert-nvrtc-not-a-dir-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "");
        try
        {
            var cache = new NvrtcCache(Path.Combine(file, "nvrtc"));
            cache.Write("k", NvrtcOutput.Ptx, [1]);
            Assert.False(cache.TryRead("k", NvrtcOutput.Ptx, out _));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Default_directory_follows_xdg_cache_home()
    {
        string? saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg-test");
            Assert.Equal("/tmp/xdg-test/bert-compiler/nvrtc", NvrtcCache.DefaultDirectory);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "bert-compiler", "nvrtc"),
                NvrtcCache.DefaultDirectory);
        }
        finally { Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved); }
    }

    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
