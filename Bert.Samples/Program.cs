using System.CommandLine;
using Bert.Samples.Cli;

// bert: the Bert.Compiler sample app. Each command lives in Cli/<Name>Command.cs.
var root = new RootCommand("Bert.Compiler sample: pretrain a small BERT on WikiText-2, encode sentences, fine-tune on MRPC.")
{
    DataCommand.Create(),
};
return root.Parse(args).Invoke();
