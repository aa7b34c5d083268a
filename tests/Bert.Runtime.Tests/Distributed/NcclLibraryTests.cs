using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Interop;
using Bert.Runtime.Distributed;

namespace Bert.Runtime.Tests.Distributed;

public class NcclLibraryTests
{
    [Fact]
    public void Nccl_loads_or_says_how_to_install_it()
    {
        if (NcclCommunicator.IsAvailable)
        {
            Assert.True(NcclCommunicator.Version >= new Version(2, 0));
            return;
        }
        var error = Assert.Throws<CudaUnavailableException>(() => NcclCommunicator.Version);
        Assert.Contains("libnccl.so.2", error.Message);
        Assert.Contains("libnccl2", error.Message);
        Assert.Contains("nvidia/nccl/lib", error.Message);
        Assert.Contains("LD_LIBRARY_PATH", error.Message);
        // Raw bindings go through the same resolver.
        Assert.Throws<CudaUnavailableException>(() => { unsafe { int v; NcclNative.ncclGetVersion(&v); } });
    }

    [Theory]
    [InlineData(21805, "2.18.5")]
    [InlineData(21003, "2.10.3")]
    [InlineData(2804, "2.8.4")]
    public void Version_codes_of_old_and_new_releases_decode(int code, string expected)
    {
        Assert.Equal(Version.Parse(expected), NcclNative.DecodeVersion(code));
    }

    [Fact]
    public void Libraries_inside_python_wheels_are_found_under_venv_and_user_prefixes()
    {
        var root = Directory.CreateTempSubdirectory("bert-wheels-").FullName;
        try
        {
            string relative = Path.Combine("nvidia", "nccl", "lib", "libnccl.so.2");
            string Install(string prefix, string python, string packages)
            {
                string file = Path.Combine(root, prefix, "lib", python, packages, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, []);
                return file;
            }
            string venvOld = Install("venv", "python3.10", "site-packages");
            string venvNew = Install("venv", "python3.12", "site-packages");
            string system = Install("usr", "python3", "dist-packages");
            Directory.CreateDirectory(Path.Combine(root, "empty", "lib", "python3.11", "site-packages"));

            var found = PythonPackageLibraries.Find(relative, [Path.Combine(root, "venv"), Path.Combine(root, "missing"), Path.Combine(root, "empty"), Path.Combine(root, "usr")]);

            Assert.Equal([venvNew, venvOld, system], found);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
