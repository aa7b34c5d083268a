using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Bert.Generators.Emit
{
    /// <summary>Turns plan names ("Encoder[0].QueryWeight", "Batch") into C# identifiers.</summary>
    internal static class Identifiers
    {
        /// <summary>Keeps letters, digits and '_'; other runs become one '_' ("Encoder[0].QueryWeight" → "Encoder_0_QueryWeight").</summary>
        public static string Sanitize(string name)
        {
            var text = new StringBuilder();
            foreach (char c in name)
            {
                if (char.IsLetterOrDigit(c) || c == '_') text.Append(c);
                else if (text.Length > 0 && text[text.Length - 1] != '_') text.Append('_');
            }
            string id = text.ToString().TrimEnd('_');
            if (id.Length == 0 || char.IsDigit(id[0])) id = "_" + id;
            return id;
        }

        /// <summary>camelCase of the sanitized name, escaped with '@' if it is a keyword ("Batch" → "batch").</summary>
        public static string Camel(string name)
        {
            string id = Sanitize(name);
            id = id.Length > 0 && id[0] != '_' ? char.ToLowerInvariant(id[0]) + id.Substring(1) : id;
            return SyntaxFacts.GetKeywordKind(id) != SyntaxKind.None ? "@" + id : id;
        }

        /// <summary>A C# string literal.</summary>
        public static string Quote(string text) =>
            "\"" + string.Concat(text.Select(c => c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c.ToString())) + "\"";
    }
}
