using Bert.Graph;
using Bert.Runtime.Distributed;
using Bert.Runtime.Execution;
using Bert.Runtime.Gpu;
using Bert.Tests;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit.Abstractions;

namespace Bert.Runtime.Tests.Distributed;

/// <summary>
/// NCCL on one GPU (opt-in: BERT_TEST_GPU=1; needs libnccl.so.2): the 1-rank communicator that a single GPU trains
/// with must leave values as they are, whether it sums or averages, alone or grouped, and the data-parallel gradient
/// listener must hand every bucket to NCCL as soon as its last gradient is reported.
/// </summary>
public sealed class NcclGpuTests(ITestOutputHelper output)
{
    static float[] Pattern(int count, int salt) => [.. Enumerable.Range(0, count).Select(i => MathF.Sin(i * 0.731f + salt) * (1 + i % 7) / 3f)];

    NcclCommunicator OpenCommunicator(GpuDevice device)
    {
        output.WriteLine($"NCCL {NcclCommunicator.Version}, {device}");
        return NcclCommunicator.Open(ProcessGroup.Single, device);
    }

    [GpuFact]
    public void One_rank_all_reduce_leaves_the_buffer_unchanged()
    {
        using var device = GpuDevice.Open(DeviceSpec.Cuda(0));
        using var communicator = OpenCommunicator(device);
        float[] values = Pattern(3000, 1);
        using var buffer = device.Accelerator.Allocate1D(values);
        var memory = new Bert.Runtime.Cuda.DeviceMemory((ulong)buffer.NativePtr, buffer.LengthInBytes);
        nint stream = ((CudaStream)device.Accelerator.DefaultStream).StreamPtr;

        communicator.AllReduce(memory, ReduceOperation.Sum, stream);
        communicator.AllReduce(memory, ReduceOperation.Average, stream);
        // Two pieces in one NCCL group, as a gradient bucket of two ranges is reduced.
        communicator.AllReduce([memory.Slice(0, 1000 * sizeof(float)), memory.Slice(2000 * sizeof(float), 1000 * sizeof(float))],
            ReduceOperation.Average, stream);
        float[] back = buffer.GetAsArray1D();

        Assert.Equal(values, back);
    }

    [GpuFact]
    public void One_rank_average_of_reported_losses_is_the_losses()
    {
        using var device = GpuDevice.Open(DeviceSpec.Cuda(0));
        using var communicator = OpenCommunicator(device);
        using var average = new RankAverage(communicator);
        Span<float> losses = [6.25f, 0.6931f];
        average.Average(losses);
        Assert.Equal([6.25f, 0.6931f], losses.ToArray());
        Assert.Throws<ArgumentException>(() => average.Average(new float[3]));
    }

    [GpuFact]
    public void Buckets_start_as_their_gradients_are_reported_and_finish_unchanged_on_one_rank()
    {
        ParameterSpec[] specs = [.. new[] { 4096, 64, 4096, 64, 1024 }.Select((n, i) => new ParameterSpec($"p{i}", $"p{i}", [n], Init.Zeros, 0f, false))];
        int[] readyOrder = [4, 3, 2, 1, 0];
        var program = TestGpu.NoKernels("BucketsOnly") with { GradientReadyOrder = readyOrder };
        using var session = GpuSession.Open(DeviceSpec.Cuda(0), program, specs);
        using var communicator = OpenCommunicator(session.Device);
        using var dataParallel = new DataParallelGradients(session, communicator, bucketBytes: 16 * 1024);
        Assert.Equal([[4, 3, 2], [1, 0]], dataParallel.Buckets.Select(b => b.Parameters.ToArray()));

        float[] gradients = Pattern(session.ParameterCount, 2), back = new float[session.ParameterCount];
        for (int pass = 0; pass < 2; pass++)   // the listener resets after Finish
        {
            session.Upload<float>(gradients, session.GradientAt(0));
            session.GradientsReady(4, 3);
            Assert.Equal(0, dataParallel.BucketsStarted);
            session.GradientsReady(2);
            Assert.Equal(1, dataParallel.BucketsStarted);
            session.GradientsReady(0);
            Assert.Equal(1, dataParallel.BucketsStarted);
            session.GradientsReady(1);
            Assert.Equal(2, dataParallel.BucketsStarted);
            Assert.Contains("twice", Assert.Throws<InvalidOperationException>(() => session.GradientsReady(1)).Message);
            dataParallel.Finish();
            Assert.Equal(0, dataParallel.BucketsStarted);
            session.DownloadGradients(back);
            Assert.Equal(gradients, back);
        }
    }
}
