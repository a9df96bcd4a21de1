using System.Xml.Linq;

namespace Inference.Tests.Deployment;

/// <summary>The images <c>dotnet publish -t:PublishContainer</c> builds are the ones the Compose file runs.</summary>
public sealed class ContainerImageTests
{
    [Theory]
    [InlineData("Inference.Api/Inference.Api.csproj", "inference-api")]
    [InlineData("Inference.Dashboard/Inference.Dashboard.csproj", "inference-dashboard")]
    public void ImageIsNamedAfterItsServiceAndRunsAsANonRootUser(string project, string service)
    {
        var properties = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, project))
            .Descendants("PropertyGroup")
            .Where(group => group.Attribute("Condition") is null)
            .Elements()
            .GroupBy(property => property.Name.LocalName)
            .ToDictionary(properties => properties.Key, properties => properties.Last().Value);

        Assert.Equal(service, properties["ContainerRepository"]);
        Assert.True(int.TryParse(properties["ContainerUser"], out var user) && user > 0, $"ContainerUser '{properties["ContainerUser"]}' is not a non-root UID.");
    }
}
