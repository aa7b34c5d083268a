using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Bert.Generators.Common;
using Bert.Generators.Graph;
using Bert.Generators.Graph.Ops;

namespace Bert.Generators.Parse
{
    /// <summary>
    /// A canonical text of everything a <see cref="ModelGraph"/> holds, so that two parses of the same declarations
    /// compare equal (<see cref="ParseResult"/>) and the incremental generator does not plan and emit again after an
    /// edit that leaves the model alone. It is written by reflection over every public property, so an attribute
    /// added to the graph IR later cannot be left out; values and nodes, which the graph shares by identity, are
    /// written once and then referred to by the order in which they first appear.
    /// </summary>
    internal static class GraphFingerprint
    {
        public static string Of(ModelGraph graph)
        {
            var text = new StringBuilder();
            Write(graph, text, new Dictionary<object, int>(IdentityComparer.Instance));
            return text.ToString();
        }

        static void Write(object? value, StringBuilder text, Dictionary<object, int> seen)
        {
            switch (value)
            {
                case null:
                    text.Append('∅');
                    return;
                case string s:
                    text.Append('"').Append(s.Replace("\"", "\\\"")).Append('"');
                    return;
                case float f:
                    text.Append(f.ToString("R", CultureInfo.InvariantCulture));
                    return;
                case double d:
                    text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                    return;
                case SizeExpr size:
                    text.Append(size);
                    return;
                case GraphBuilder:
                    return;   // the tool that built the graph, not part of it
                case Op op:
                    text.Append(op.Name);   // a singleton of rules: its name is all there is to compare
                    return;
                case Enum or bool or int or long:
                    text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                    return;
                case IEnumerable when IsDefaultImmutableArray(value):
                    text.Append("default");
                    return;
                case IEnumerable items:
                    text.Append('[');
                    foreach (var item in items)
                    {
                        Write(item, text, seen);
                        text.Append(',');
                    }
                    text.Append(']');
                    return;
            }
            bool shared = value is Value or Node;
            if (shared && seen.TryGetValue(value, out int id))
            {
                text.Append('#').Append(id);
                return;
            }
            if (shared) seen[value] = seen.Count;
            var type = value.GetType();
            text.Append(type.Name).Append('{');
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (property.GetIndexParameters().Length > 0) continue;
                text.Append(property.Name).Append('=');
                Write(property.GetValue(value), text, seen);
                text.Append(';');
            }
            text.Append('}');
        }

        static bool IsDefaultImmutableArray(object value)
        {
            var type = value.GetType();
            return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
                && (bool)type.GetProperty("IsDefault")!.GetValue(value)!;
        }

        sealed class IdentityComparer : IEqualityComparer<object>
        {
            public static readonly IdentityComparer Instance = new IdentityComparer();
            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);
            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
