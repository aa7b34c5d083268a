using Bert.Runtime.Cuda;
using Bert.Runtime.Cuda.Nvrtc;

namespace Bert.Runtime.Tests.Cuda;

public class NvrtcTargetTests
{
    static readonly int[] Nvrtc118 = [35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90];

    [Theory]
    [InlineData(80, "sm_80")]
    [InlineData(90, "sm_90")]
    public void Known_gpu_gets_its_own_cubin(int arch, string expected)
    {
        var target = NvrtcTarget.ForDevice(arch, Nvrtc118);
        Assert.Equal(NvrtcOutput.Cubin, target.Output);
        Assert.Equal(expected, target.ToString());
        Assert.Equal($"--gpu-architecture={expected}", target.ArchitectureOption);
    }

    [Fact]
    public void Gpu_newer_than_nvrtc_gets_ptx_for_the_newest_older_architecture()
    {
        var target = NvrtcTarget.ForDevice(100, Nvrtc118);
        Assert.Equal(NvrtcTarget.Ptx(90), target);
        Assert.Equal("--gpu-architecture=compute_90", target.ArchitectureOption);
    }

    [Fact]
    public void Gpu_older_than_every_supported_architecture_is_refused()
    {
        var error = Assert.Throws<CudaUnavailableException>(() => NvrtcTarget.ForDevice(30, Nvrtc118));
        Assert.Contains("sm_30", error.Message);
        Assert.Contains("sm_35", error.Message);
    }
}
