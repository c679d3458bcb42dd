using Matching.Jobs.Cli;

// A verb's stdout is its report: the LDA's native chatter is dropped (the job server keeps its stdout for logs).
Matching.Engine.Topics.NativeOutput.Silenced = args.FirstOrDefault() is not "serve";

return await CommandLine.Build().Parse(args).InvokeAsync();
