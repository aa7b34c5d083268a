namespace Bert.Runtime.Tests.Gpu;

public class DeviceSpecTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    [InlineData("CPU", DeviceKind.Cpu, 0)]
    [InlineData("cuda", DeviceKind.Cuda, 0)]
    [InlineData("cuda:0", DeviceKind.Cuda, 0)]
    [InlineData(" cuda:3 ", DeviceKind.Cuda, 3)]
    [InlineData("Cuda:12", DeviceKind.Cuda, 12)]
    [InlineData("gpu-sim", DeviceKind.GpuSim, 0)]
    public void Parses_valid_devices(string text, DeviceKind kind, int ordinal)
    {
        var spec = DeviceSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(ordinal, spec.Ordinal);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("cuda:0")]
    [InlineData("cuda:7")]
    [InlineData("gpu-sim")]
    public void Round_trips_through_ToString(string text) => Assert.Equal(text, DeviceSpec.Parse(text).ToString());

    [Fact]
    public void Bare_cuda_means_gpu_zero() => Assert.Equal(DeviceSpec.Cuda(0), DeviceSpec.Parse("cuda"));

    [Theory]
    [InlineData("gpu", "Unknown device 'gpu'")]
    [InlineData("", "Unknown device ''")]
    [InlineData("cuda0", "Unknown device 'cuda0'")]
    [InlineData("cuda:", "no GPU index")]
    [InlineData("cuda:-1", "'-1', which is not a non-negative integer")]
    [InlineData("cuda:x", "'x', which is not a non-negative integer")]
    [InlineData("cuda:1.5", "'1.5', which is not a non-negative integer")]
    [InlineData("cuda:99999999999", "not a non-negative integer")]
    public void Rejects_bad_devices_with_the_expected_forms(string text, string reason)
    {
        var error = Assert.Throws<DeviceSpecException>(() => DeviceSpec.Parse(text));
        Assert.Contains(reason, error.Message);
        Assert.Contains("'cpu', 'cuda', 'cuda:N' where N is a GPU index (0, 1, ...), or 'gpu-sim'", error.Message);
    }
}
