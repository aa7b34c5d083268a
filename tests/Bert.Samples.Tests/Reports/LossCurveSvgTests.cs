using System.Xml.Linq;
using Bert.Samples.Reports;

namespace Bert.Samples.Tests.Reports;

public class LossCurveSvgTests
{
    static readonly LossSeries Mlm = new("mlm", "#1f77b4", [(1, 9.9), (2, 8.1), (3, 7.4)]);
    static readonly LossSeries Nsp = new("nsp", "#ff7f0e", [(1, 0.79), (2, 0.72), (3, double.NaN)]);

    [Fact]
    public void Renders_well_formed_svg_with_one_polyline_per_series_and_a_legend()
    {
        var svg = XDocument.Parse(LossCurveSvg.Render("pretraining", [Mlm, Nsp]));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var lines = svg.Descendants(ns + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(3, lines[0].Attribute("points")!.Value.Split(' ').Length);
        Assert.Equal(2, lines[1].Attribute("points")!.Value.Split(' ').Length); // the NaN point is left out
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("mlm", texts);
        Assert.Contains("nsp", texts);
        Assert.Contains("10", texts); // 9.9 rounds up to a top tick of 10
    }

    [Fact]
    public void Higher_loss_is_drawn_higher_on_the_page()
    {
        var svg = XDocument.Parse(LossCurveSvg.Render("t", [Mlm]));
        var ys = svg.Descendants().Single(e => e.Name.LocalName == "polyline").Attribute("points")!.Value
            .Split(' ').Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ys[0] < ys[1] && ys[1] < ys[2], "SVG y grows downwards, so falling loss has growing y");
    }

    [Fact]
    public void Empty_input_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => LossCurveSvg.Render("t", [new LossSeries("x", "red", [])]));
        Assert.Contains("Nothing to plot", error.Message);
    }
}
