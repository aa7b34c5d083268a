namespace Bert.Runtime.Data;

/// <summary>The WikiText-2 files and the one-call builds of its training and evaluation sets.</summary>
public static class WikiText2
{
    public const string TrainFile = "wiki.train.tokens", ValidFile = "wiki.valid.tokens", TestFile = "wiki.test.tokens";

    /// <summary>Reads <see cref="TrainFile"/> in <paramref name="folder"/>, builds its vocabulary and examples.</summary>
    public static PretrainingDataset BuildTraining(string folder, PretrainingOptions options)
    {
        options.Validate();
        var corpus = WikiTextCorpus.Read(Path.Combine(folder, TrainFile));
        return PretrainingDataset.Build(corpus, corpus.BuildVocabulary(options.MinFrequency), options);
    }

    /// <summary>Evaluation examples from <see cref="ValidFile"/>, with the training <paramref name="vocabulary"/>.</summary>
    public static PretrainingDataset BuildValidation(string folder, Vocabulary vocabulary, PretrainingOptions options) =>
        PretrainingDataset.Build(WikiTextCorpus.Read(Path.Combine(folder, ValidFile)), vocabulary, options);
}
