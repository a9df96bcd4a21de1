namespace AppHost.Publishing;

/// <summary>
/// The GPU override of the Compose file: for each service that can run on NVIDIA GPUs (<see cref="NvidiaGpuAnnotation"/>),
/// the CUDA image, the variables that select its GPU code path, every NVIDIA GPU of the host reserved, and a longer
/// start period. Compose merges it over the CPU file, so both stay one app model apart from these settings.
/// </summary>
public static class ComposeGpuOverride
{
    public static ComposeFile Create(IEnumerable<IResource> resources, ComposeEndpoints endpoints, ComposeOptions options, ComposeEnvironmentFile environmentFile)
    {
        var file = new ComposeFile();
        foreach (var resource in resources)
        {
            if (resource.Annotations.OfType<NvidiaGpuAnnotation>().LastOrDefault() is not { } gpu)
            {
                continue;
            }
            var service = new ComposeService
            {
                Image = ComposeFileGenerator.ImageOf(resource, usesGpu: true, environmentFile),
                // The whole check, not only its start period: Compose versions differ in whether they merge it key by key.
                Healthcheck = ComposeHealthChecks.For(resource, endpoints, options.GpuStartPeriod),
                Deploy = ComposeFileGenerator.CreateDeploy(resource.Name, options, options.Replicas.GetValueOrDefault(resource.Name, 1), usesGpu: true),
            };
            foreach (var (name, value) in gpu.Environment)
            {
                service.Environment[name] = ComposeValueResolver.EscapeLiteral(value);
            }
            file.Services[resource.Name] = service;
        }
        return file;
    }
}
