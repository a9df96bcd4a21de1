using MudBlazor;

namespace Inference.Dashboard.Components.Layout;

/// <summary>Colours and type of the dashboard, shared by the light and dark palettes.</summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0891b2",
            Tertiary = "#db2777",
            AppbarBackground = "#1e1b4b",
            AppbarText = "#ffffff",
            Background = "#f5f6fb",
            DrawerBackground = "#ffffff",
            Surface = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#818cf8",
            Secondary = "#22d3ee",
            Tertiary = "#f472b6",
            AppbarBackground = "#14122e",
            Background = "#0f1020",
            DrawerBackground = "#17182b",
            Surface = "#1c1d33",
        },
        Typography = new Typography
        {
            // No web fonts: the dashboard must render without internet access.
            Default = new DefaultTypography
            {
                FontFamily = ["Inter", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties
        {
            DefaultBorderRadius = "10px",
        },
    };
}
