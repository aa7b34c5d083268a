using System.CommandLine;

namespace Bert.Samples.Cli;

static class DataCommand
{
    public static Command Create() => new("data", "Build the WikiText-2 pretraining dataset and print a summary.");
}
