using BenchmarkDotNet.Running;
using DicomWebArchive.Benchmarks;

if (args is ["load-index", _, _, _])
{
    return await IndexLoader.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
