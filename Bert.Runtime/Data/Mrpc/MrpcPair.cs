namespace Bert.Runtime.Data.Mrpc;

/// <summary>One row of the Microsoft Research Paraphrase Corpus: Label 1 when the sentences are paraphrases.</summary>
public sealed record MrpcPair(int Label, string Id1, string Id2, string Sentence1, string Sentence2);
