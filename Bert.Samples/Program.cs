using Bert.Samples.Cli;

// bert: the Bert.Compiler sample app. Commands live in Cli/<Name>Command.cs and are registered in Cli/App.cs.
return App.Run(args);
