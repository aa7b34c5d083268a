using Bert.Runtime;
using Bert.Runtime.Data.Mrpc;
using Bert.Runtime.Gpu;
using Bert.Samples.Finetuning;

namespace Bert.Samples.Encoding;

/// <summary>
/// A HuggingFace-layout checkpoint (imported, downloaded or fine-tuned) run by the compiled classifier of its shape:
/// WordPiece tokens as HuggingFace's BertTokenizer gives them; the classifier head is not used.
/// </summary>
public sealed class ClassifierEncoder(PairClassifier model, CheckpointVocabulary vocabulary, IReadOnlyList<string> notes) : ISentenceEncoder
{
    public string Description => $"{model.Describe()}, {vocabulary.Describe()}";

    public IReadOnlyList<string> Notes => notes;

    public void UseDevice(DeviceSpec device, GpuOptions options) => model.UseDevice(device, options);

    public SentenceEncoding Encode(string first, string? second)
    {
        var words = vocabulary.WordPieces;
        int[] a = vocabulary.Tokenizer.Tokenize(first), b = second is null ? [] : vocabulary.Tokenizer.Tokenize(second);
        if (a.Length == 0) throw new UserError("The first sentence is empty.");
        if (second is not null && b.Length == 0) throw new UserError("The second sentence is empty.");
        int[] ids = [words.ClsId, .. a, words.SepId, .. second is null ? [] : b.Append(words.SepId)];
        int[] segments = [.. Enumerable.Repeat(0, a.Length + 2), .. Enumerable.Repeat(1, ids.Length - a.Length - 2)];
        if (ids.Length > model.Shape.MaxPositions)
            throw new UserError($"The example has {ids.Length} tokens; the model has {model.Shape.MaxPositions} positions.");
        model.Load(new SentencePairBatch(1, ids.Length, ids, segments, [ids.Length], Labels: [0], ExampleIndices: [0]));
        model.Forward(training: false, seed: 0);
        return new SentenceEncoding([.. ids.Select(id => words[id])], model.Shape.Hidden, model.ExampleEncodings(0).ToArray());
    }

    public void Dispose() => model.Dispose();
}
