using System.CommandLine;
using Bert.Runtime;
using Bert.Runtime.Trainer;
using Bert.Samples.Exporting;
using Bert.Samples.Importing;
using Spectre.Console;

namespace Bert.Samples.Cli;

/// <summary>
/// <c>bert export --checkpoint DIR --onnx FILE</c>: writes a checkpoint (a fine-tuned classifier, an imported or
/// downloaded BERT) as a plain ONNX graph that ONNX Runtime and other ONNX tools run. The checkpoint folder itself
/// is already in HuggingFace's layout, which transformers loads unchanged.
/// </summary>
static class ExportCommand
{
    public static Command Create(Terminal terminal)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint folder in HuggingFace layout ('bert finetune --out', 'bert import --out').", Required = true, HelpName = "DIR" };
        var onnx = new Option<string>("--onnx") { Description = "The .onnx file to write (must not exist yet).", Required = true, HelpName = "FILE" };
        var command = new Command("export",
            "Export a checkpoint as ONNX (inputs input_ids, attention_mask, token_type_ids; outputs last_hidden_state, pooler_output, and logits for a classifier).")
        {
            checkpoint, onnx,
        };
        command.SetGuardedAction(terminal, parse =>
        {
            string target = parse.GetValue(onnx)!;
            if (string.IsNullOrWhiteSpace(target)) throw new UserError("--onnx is empty; name the .onnx file to write.");
            if (File.Exists(target) || Directory.Exists(target))
                throw new UserError($"'{Path.GetFullPath(target)}' already exists; the export writes a new file only. Choose another --onnx or remove it first.");
            var (model, _) = HfFolderReader.Read(CheckpointFolder.Resolve(parse.GetValue(checkpoint)!));
            OnnxBertWriter.Write(model, target);
            terminal.Ui.MarkupLine($"Wrote [blue]{Markup.Escape(Path.GetFullPath(target))}[/]: BERT {Markup.Escape(model.Shape.ToString())}" +
                (model.Tensors.Any(t => t.Name == "classifier.weight") ? ", with its classifier (output logits)." : "."));
            return 0;
        });
        return command;
    }
}
