using System.Collections.Generic;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// A stretch of a list that is one run of <see cref="Period"/> items said <see cref="Count"/> times in a row, starting
    /// at <see cref="Start"/>: where generated code writes a loop instead of the copies (the memory slots of a stack of
    /// alike blocks, one block's slots after another).
    /// </summary>
    internal readonly record struct Repetition(int Start, int Period, int Count)
    {
        /// <summary>Items the repetition covers: <see cref="Start"/> to <see cref="End"/> (exclusive).</summary>
        public int End => Start + Period * Count;

        /// <summary>Lines a loop adds around its body (comment, header, braces): a repetition must spare more.</summary>
        const int LoopLines = 4;

        /// <summary>
        /// The repetition (at least three runs, sparing more items than a loop's own lines) that spares the most copies, or
        /// null when there is none.
        /// </summary>
        public static Repetition? Longest(IReadOnlyList<string> items)
        {
            Repetition? best = null;
            int bestSpared = LoopLines;
            for (int period = 1; period * 3 <= items.Count; period++)
            {
                for (int start = 0; start + period * 3 <= items.Count; start++)
                {
                    int same = 0;
                    while (start + same + period < items.Count && items[start + same] == items[start + same + period]) same++;
                    int count = (same + period) / period;
                    int spared = (count - 1) * period;
                    if (count >= 3 && spared > bestSpared)
                    {
                        best = new Repetition(start, period, count);
                        bestSpared = spared;
                    }
                }
            }
            return best;
        }
    }
}
