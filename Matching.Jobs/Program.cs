using Matching.Jobs.Cli;

return await CommandLine.Build().Parse(args).InvokeAsync();
