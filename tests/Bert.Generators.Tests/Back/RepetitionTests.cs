using Bert.Generators.Emit;

namespace Bert.Generators.Tests.Back;

/// <summary>The runs Bind writes as loops (<see cref="Repetition"/>) and the affine indices in them (<see cref="SizeText.Affine"/>).</summary>
public sealed class RepetitionTests
{
    [Fact]
    public void The_longest_repetition_is_found_with_its_start_period_and_count()
    {
        // Two lone slots, four runs of "a b c", one lone slot: the loop covers items 2 to 13.
        string[] items = ["x", "y", "a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b", "c", "z"];
        var r = Repetition.Longest(items)!.Value;
        Assert.Equal((2, 3, 4, 14), (r.Start, r.Period, r.Count, r.End));
    }

    [Fact]
    public void Nothing_repeats_when_a_loop_would_not_spare_more_lines_than_it_costs()
    {
        Assert.Null(Repetition.Longest(["a", "b", "c", "d", "e", "f"]));
        // Three runs of one item spare two lines; a loop costs four.
        Assert.Null(Repetition.Longest(["x", "a", "a", "a", "y"]));
        Assert.Null(Repetition.Longest([]));
    }

    [Theory]
    [InlineData(3, 12, "3 + 12 * layer")]
    [InlineData(-4, 12, "12 * layer - 4")]
    [InlineData(0, 12, "12 * layer")]
    [InlineData(5, -1, "5 - layer")]
    [InlineData(7, 0, "7")]
    [InlineData(0, 1, "layer")]
    public void Affine_indices_read_as_written_by_hand(long first, long stride, string expected) =>
        Assert.Equal(expected, SizeText.Affine(first, stride, "layer"));
}
