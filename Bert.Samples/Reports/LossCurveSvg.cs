using System.Globalization;
using System.Text;

namespace Bert.Samples.Reports;

/// <summary>One named series of (step, value) points on a loss plot.</summary>
public sealed record LossSeries(string Name, string Color, IReadOnlyList<(int Step, double Value)> Points);

/// <summary>
/// Renders loss curves as a standalone SVG (the tutorial's "MLM and NSP loss vs step" plot):
/// axes with round-number ticks, one polyline per series and a legend. No dependencies; viewable in any browser.
/// </summary>
public static class LossCurveSvg
{
    const int Width = 640, Height = 400, Left = 60, Right = 20, Top = 20, Bottom = 50;

    public static string Render(string title, IReadOnlyList<LossSeries> series)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Value)).ToList();
        if (points.Count == 0) throw new ArgumentException("Nothing to plot: every series is empty.", nameof(series));

        double xMin = points.Min(p => p.Step), xMax = Math.Max(points.Max(p => p.Step), xMin + 1);
        double yMax = NiceCeiling(points.Max(p => p.Value)), yMin = Math.Min(0, points.Min(p => p.Value));
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(double step) => Left + (step - xMin) / (xMax - xMin) * plotW;
        double Y(double value) => Top + (1 - (value - yMin) / (yMax - yMin)) * plotH;

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"14\" text-anchor=\"middle\">{Escape(title)}</text>\n"));

        // Axes and ticks: five intervals on each axis.
        svg.Append(Invariant($"<path d=\"M{Left},{Top} V{Top + plotH} H{Left + plotW}\" stroke=\"black\" fill=\"none\"/>\n"));
        for (int t = 0; t <= 5; t++)
        {
            double value = yMin + (yMax - yMin) * t / 5, y = Y(value);
            svg.Append(Invariant($"<line x1=\"{Left - 4}\" y1=\"{y:F1}\" x2=\"{Left + plotW}\" y2=\"{y:F1}\" stroke=\"#ddd\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{value:0.##}</text>\n"));
            double step = xMin + (xMax - xMin) * t / 5, x = X(step);
            svg.Append(Invariant($"<line x1=\"{x:F1}\" y1=\"{Top + plotH}\" x2=\"{x:F1}\" y2=\"{Top + plotH + 4}\" stroke=\"black\"/>"));
            svg.Append(Invariant($"<text x=\"{x:F1}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{step:0}</text>\n"));
        }
        svg.Append(Invariant($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">step</text>\n"));
        svg.Append(Invariant($"<text x=\"14\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Top + plotH / 2})\">loss</text>\n"));

        // One polyline per series, then the legend in the top-right corner.
        for (int s = 0; s < series.Count; s++)
        {
            var line = string.Join(" ", series[s].Points.Where(p => double.IsFinite(p.Value)).Select(p => Invariant($"{X(p.Step):F1},{Y(p.Value):F1}")));
            svg.Append(Invariant($"<polyline points=\"{line}\" fill=\"none\" stroke=\"{series[s].Color}\" stroke-width=\"2\"/>\n"));
            double ly = Top + 16 + 18 * s, lx = Left + plotW - 110;
            svg.Append(Invariant($"<line x1=\"{lx}\" y1=\"{ly - 4}\" x2=\"{lx + 24}\" y2=\"{ly - 4}\" stroke=\"{series[s].Color}\" stroke-width=\"2\"/>"));
            svg.Append(Invariant($"<text x=\"{lx + 30}\" y=\"{ly}\">{Escape(series[s].Name)}</text>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Rounds up to 1, 2 or 5 times a power of ten, so the top tick is a round number.</summary>
    static double NiceCeiling(double value)
    {
        if (value <= 0) return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double factor in new[] { 1.0, 2.0, 5.0, 10.0 })
            if (factor * magnitude >= value) return factor * magnitude;
        return 10 * magnitude;
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
