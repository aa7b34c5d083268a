using System.Collections.Generic;
using System.Text;

namespace Bert.Generators.Emit
{
    /// <summary>
    /// Builds indented C-family source text (C#): four spaces per level, braces on their own lines,
    /// "\n" line endings, no trailing whitespace, at most one blank line in a row.
    /// </summary>
    internal sealed class CodeWriter
    {
        const string IndentUnit = "    ";
        readonly StringBuilder text = new StringBuilder();
        int depth;
        bool lastWasBlank = true;

        public int Depth => depth;

        public CodeWriter Line(string line)
        {
            for (int i = 0; i < depth; i++) text.Append(IndentUnit);
            text.Append(line).Append('\n');
            lastWasBlank = false;
            return this;
        }

        /// <summary>A blank separator line; repeated or leading blanks collapse, and none follows an opening brace.</summary>
        public CodeWriter Blank()
        {
            if (!lastWasBlank) text.Append('\n');
            lastWasBlank = true;
            return this;
        }

        /// <summary>Indents the following lines one level, without a brace.</summary>
        public CodeWriter Indent()
        {
            depth++;
            return this;
        }

        public CodeWriter Dedent()
        {
            depth--;
            return this;
        }

        /// <summary>
        /// <paramref name="head"/>, the comma-separated <paramref name="items"/> and <paramref name="tail"/>, on as few lines
        /// as the line width allows (continuations indented one level).
        /// </summary>
        public CodeWriter List(string head, IEnumerable<string> items, string tail)
        {
            int width = KernelEmitter.LineWidth - (depth + 1) * IndentUnit.Length;
            var line = new StringBuilder(head);
            bool first = true;
            foreach (var item in items)
            {
                string piece = (first ? "" : ", ") + item;
                if (!first && line.Length + piece.Length + 1 > width)
                {
                    Line(line.Append(',').ToString());
                    line.Clear().Append(IndentUnit).Append(item);
                }
                else line.Append(piece);
                first = false;
            }
            return Line(line.Append(tail).ToString());
        }

        /// <summary>Writes <c>{</c> and indents.</summary>
        public CodeWriter Open(string brace = "{")
        {
            Line(brace);
            depth++;
            lastWasBlank = true;
            return this;
        }

        /// <summary>Dedents and writes <c>}</c> (or <paramref name="closing"/>, e.g. <c>});</c>).</summary>
        public CodeWriter Close(string closing = "}")
        {
            depth--;
            TrimTrailingBlank();
            Line(closing);
            return this;
        }

        /// <summary>Writes a (possibly multi-line) text block at the current indentation, keeping its relative indentation.</summary>
        public CodeWriter Block(string block)
        {
            foreach (string line in block.Replace("\r\n", "\n").TrimEnd('\n').Split('\n'))
            {
                if (line.Trim().Length == 0) Blank();
                else Line(line.TrimEnd());
            }
            return this;
        }

        void TrimTrailingBlank()
        {
            if (text.Length >= 2 && text[text.Length - 1] == '\n' && text[text.Length - 2] == '\n') text.Length--;
        }

        public override string ToString()
        {
            TrimTrailingBlank();
            return text.ToString();
        }
    }
}
