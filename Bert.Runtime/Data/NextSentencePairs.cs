using Bert.Runtime.Training;
namespace Bert.Runtime.Data;

/// <summary>
/// The next-sentence-prediction pairs (d2l's <c>_get_nsp_data_from_paragraph</c>): paragraphs in seeded random
/// order; for each adjacent sentence pair, half the time the true next sentence, otherwise a random sentence of a
/// random paragraph; pairs longer than max_len − 3 tokens are dropped. Sentences are corpus sentence indices.
/// </summary>
sealed class NextSentencePairs
{
    public int[] First = [], Second = [];
    public bool[] IsNext = [];
    public int Count;

    public static NextSentencePairs Draw(WikiTextCorpus corpus, PretrainingOptions options)
    {
        int paragraphs = corpus.ParagraphCount;
        int[] order = new int[paragraphs];
        for (int p = 0; p < paragraphs; p++) order[p] = p;
        new Prng(options.Seed, Prng.Stream(StreamKind.ParagraphShuffle, 0, 0)).Shuffle(order.AsSpan());

        int capacity = corpus.SentenceCount - paragraphs;
        var pairs = new NextSentencePairs { First = new int[capacity], Second = new int[capacity], IsNext = new bool[capacity] };
        var rng = new Prng(options.Seed, Prng.Stream(StreamKind.NextSentence, 0, 0));
        int[] sentenceStarts = corpus.SentenceStarts, paragraphStarts = corpus.ParagraphStarts;
        int budget = options.MaxLen - 3;
        foreach (int p in order)
        {
            for (int s = paragraphStarts[p]; s < paragraphStarts[p + 1] - 1; s++)
            {
                bool isNext = rng.NextDouble() < 0.5;
                int next = s + 1;
                if (!isNext)
                {
                    int q = rng.NextInt(paragraphs);
                    next = paragraphStarts[q] + rng.NextInt(paragraphStarts[q + 1] - paragraphStarts[q]);
                }
                int length = sentenceStarts[s + 1] - sentenceStarts[s] + sentenceStarts[next + 1] - sentenceStarts[next];
                if (length > budget) continue;
                pairs.First[pairs.Count] = s;
                pairs.Second[pairs.Count] = next;
                pairs.IsNext[pairs.Count] = isNext;
                pairs.Count++;
            }
        }
        return pairs;
    }
}
