using MudBlazor;

namespace Inference.Dashboard.Components.Layout;

/// <summary>
/// Colours and type of the dashboard, shared by the light and dark palettes. Every text colour, and every filled
/// component's text on its colour, keeps a contrast of at least 4.5:1 (WCAG AA) in both modes.
/// </summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0e7490",
            Tertiary = "#be185d",
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#b91c1c",
            Info = "#1d4ed8",
            TextSecondary = "#4b5563",
            AppbarBackground = "#1e1b4b",
            AppbarText = "#ffffff",
            Background = "#f5f6fb",
            DrawerBackground = "#ffffff",
            Surface = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            // Light colours on a dark ground: the text on a filled component is dark, not white.
            Primary = "#a5b4fc",
            PrimaryContrastText = "#111827",
            Secondary = "#22d3ee",
            SecondaryContrastText = "#111827",
            Tertiary = "#f9a8d4",
            TertiaryContrastText = "#111827",
            Success = "#4ade80",
            SuccessContrastText = "#052e16",
            Warning = "#fbbf24",
            WarningContrastText = "#1c1917",
            Error = "#f87171",
            ErrorContrastText = "#1c1917",
            Info = "#93c5fd",
            InfoContrastText = "#111827",
            TextPrimary = "#e5e7eb",
            TextSecondary = "#b4b8c5",
            DrawerText = "#e5e7eb",
            DrawerIcon = "#c7cad6",
            AppbarText = "#ffffff",
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
