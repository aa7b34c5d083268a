using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Text;
using Bert.Samples.Finetuning;
using Bert.Samples.Importing;
using Bert.Samples.Models;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// <c>bert import MODEL.onnx|HF-FOLDER --out DIR</c>: reads a BERT ONNX export (by its graph's structure) or a
/// HuggingFace folder and writes this project's checkpoint folder (HuggingFace layout: config.json,
/// model.safetensors, vocab.txt), which <c>finetune --checkpoint</c> takes.
/// </summary>
static class ImportCommand
{
    public static Command Create(Terminal terminal)
    {
        var model = new Argument<string>("MODEL") { Description = "A BERT .onnx file, or a HuggingFace folder (config.json, model.safetensors, vocab.txt)." };
        var output = new Option<string>("--out") { Description = "Checkpoint folder to write (new, empty, or one bert wrote).", Required = true, HelpName = "DIR" };
        var vocab = new Option<string?>("--vocab") { Description = "The model's vocab.txt or tokenizer.json (for an .onnx file; default: the one beside it, with the tokenizer_config.json there).", HelpName = "FILE" };
        var command = new Command("import", "Import a pretrained BERT (ONNX export or HuggingFace folder) as a checkpoint folder.") { model, output, vocab };
        command.SetGuardedAction(terminal, parse =>
        {
            string path = parse.GetValue(model)!;
            var (imported, vocabulary) = Directory.Exists(path) ? HfFolderReader.Read(path) : ReadOnnx(path, parse.GetValue(vocab));
            string folder = parse.GetValue(output)!;
            imported.Save(folder, vocabulary);
            terminal.Ui.WriteLine($"Imported {imported.Source}: BERT {imported.Shape}, vocabulary {imported.Vocab:N0}, " +
                $"{imported.Tensors.Sum(t => t.Values.LongLength):N0} weights ({string.Join(", ", imported.Architectures)}).");
            terminal.Ui.WriteLine($"Wrote {Path.GetFullPath(folder)}.");
            terminal.Ui.WriteLine(imported.CompiledClassifier is { } compiled
                ? $"Fine-tune it with: bert finetune --checkpoint {folder} (compiled as {compiled.ClassName})."
                : imported.Shape.Activation is not ("gelu" or "relu")
                    ? $"No model of this build can run it: the compiled feed-forwards use GELU (erf) or ReLU, this model {imported.Shape.Activation}."
                    : $"This build compiled no model of this shape. {CompiledModels.ClassifierDeclaration(imported.Shape)}");
            return 0;
        });
        return command;
    }

    static (ImportedBert, CheckpointVocabulary) ReadOnnx(string path, string? vocabFile)
    {
        if (!File.Exists(path)) throw new UserError($"'{path}' does not exist: pass a BERT .onnx file or a HuggingFace folder.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var vocabulary = vocabFile is not null ? CheckpointVocabulary.LoadFile(vocabFile)
            : File.Exists(Path.Combine(folder, HfTokenizerFiles.VocabularyFile)) || File.Exists(Path.Combine(folder, HfTokenizerFiles.TokenizerFile))
                ? CheckpointVocabulary.LoadFolder(folder)
                : throw new UserError($"An ONNX file holds no vocabulary and there is no vocab.txt or tokenizer.json beside '{path}': pass the model's vocab.txt with --vocab FILE.");
        return (OnnxBertReader.Read(path), vocabulary);
    }
}
