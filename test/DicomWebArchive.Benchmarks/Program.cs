using BenchmarkDotNet.Running;
using DicomWebArchive.Benchmarks;

if (args is ["load-index", _, _, _] or ["load-index", _, _, _, _] or ["load-index", _, _, _, _, _])
{
    return await IndexLoader.RunAsync(args);
}

if (args is ["copy-index", _, _])
{
    return await IndexCopier.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
