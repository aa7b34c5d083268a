using Bert.Runtime;
using Bert.Runtime.Distributed;
using Bert.Tests;
using Xunit.Abstractions;

namespace Bert.Generators.Tests.Back;

/// <summary>
/// The generated BackwardOn driving data-parallel gradient reduction (opt-in: BERT_TEST_GPU=1; needs libnccl.so.2):
/// on one rank, every bucket is handed to NCCL during backward and the gradients come out as without it.
/// </summary>
public sealed class DataParallelGpuTests(ITestOutputHelper output)
{
    [GpuFact]
    public void One_rank_data_parallel_backward_gives_the_plain_gradients()
    {
        using var model = CSharpModelTests.CreateModel();
        model.InitializeParameters(4);
        // Distinct tokens: the embedding scatter's atomics then add one row each, so two backward passes agree bit for bit.
        model.Bind(1, CSharpModelTests.Vocab);
        for (int i = 0; i < CSharpModelTests.Vocab; i++) model.TokensInput[i] = i;
        using var gpu = model.OpenGpu(DeviceSpec.Cuda(0));
        output.WriteLine($"{gpu.Device}, NCCL {NcclCommunicator.Version}");
        float[] plain = new float[gpu.ParameterCount], reduced = new float[gpu.ParameterCount];

        model.ForwardOn(gpu, true, 9);
        model.BackwardOn(gpu);
        gpu.DownloadGradients(plain);

        using var communicator = NcclCommunicator.Open(ProcessGroup.Single, gpu.Device);
        // A bucket per parameter (each holds at least 4 bytes), so several reductions overlap the backward pass.
        using var dataParallel = new DataParallelGradients(gpu, communicator, bucketBytes: 4);
        Assert.Equal(gpu.Parameters.Count, dataParallel.Buckets.Count);
        model.ForwardOn(gpu, true, 9);
        model.BackwardOn(gpu);
        Assert.Equal(dataParallel.Buckets.Count, dataParallel.BucketsStarted);
        dataParallel.Finish();
        gpu.DownloadGradients(reduced);

        Assert.Equal(plain, reduced);
    }
}
