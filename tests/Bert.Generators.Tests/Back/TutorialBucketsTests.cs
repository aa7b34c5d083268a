using Bert.Generators.Emit;
using Bert.Generators.Plan;
using Bert.Generators.Tests.Front;
using Bert.Runtime.Distributed;

namespace Bert.Generators.Tests.Back;

/// <summary>Data-parallel buckets of the sample TutorialBert, planned from the order its generated backward finishes gradients.</summary>
public sealed class TutorialBucketsTests
{
    static readonly ExecutionPlan Plan = Plans.Tutorial();

    static GradientBucket[] Buckets(long bucketBytes, int vocab = 30522)
    {
        var symbols = new Dictionary<string, long> { ["Vocab"] = vocab };
        long[] elements = [.. Plan.Params.Select(p => p.Shape.Aggregate(1L, (product, size) => product * MemoryPlan.Evaluate(size, symbols)))];
        return GradientBuckets.Plan(elements, GradientReadiness.Of(Plan).Order, bucketBytes);
    }

    static int Index(string name) => Plan.Params.Select(p => p.Name).ToList().IndexOf(name);

    [Fact]
    public void Heads_are_reduced_first_then_the_layers_backwards_then_the_embeddings()
    {
        var buckets = Buckets(512 * 1024);
        int BucketOf(string name) => buckets.Single(b => b.Parameters.Contains(Index(name))).Index;

        Assert.True(buckets.Length >= 4, $"{buckets.Length} buckets");
        Assert.Equal(0, BucketOf("NspBias"));
        Assert.True(BucketOf("Encoder[1].FfnOutWeight") < BucketOf("Encoder[0].FfnOutWeight"));
        Assert.Equal(buckets.Length - 1, BucketOf("TokenEmbedding"));
    }

    [Theory]
    [InlineData(512 * 1024)]
    [InlineData(GradientBuckets.DefaultBucketBytes)]
    public void Each_bucket_is_one_run_of_the_gradient_buffer(long bucketBytes)
    {
        // Backward finishes gradients in nearly reverse spec order, so a bucket is one NCCL call on one range.
        Assert.All(Buckets(bucketBytes), b => Assert.Single(b.Ranges));
    }
}
