using Bert.Runtime.Data;

namespace Bert.Samples.Bench;

/// <summary>
/// <c>bench data</c>: the whole training-set build with default options (read and tokenize wiki.train.tokens,
/// vocabulary, NSP pairs, MLM masking, padding), as <c>bert data</c> and pretraining do it.
/// </summary>
sealed class DataBuildBenchmark : IBenchmark
{
    public string Name => "data";
    public string Description => "Build the WikiText-2 training set (tokenize, vocabulary, NSP, MLM, padding; max_len 64).";

    public Action Prepare(BenchSettings settings)
    {
        string folder = settings.WikiText();
        var options = new PretrainingOptions();
        return () => WikiText2.BuildTraining(folder, options);
    }
}
