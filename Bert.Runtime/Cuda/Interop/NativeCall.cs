namespace Bert.Runtime.Cuda.Interop;

/// <summary>Turns a call expression captured by <c>CallerArgumentExpression</c> into the native function's name.</summary>
internal static class NativeCall
{
    /// <summary>"CuDriver.cuMemAlloc_v2(&amp;p, n)" gives "cuMemAlloc_v2".</summary>
    public static string FunctionName(string expression)
    {
        int open = expression.IndexOf('(');
        string callee = open < 0 ? expression : expression[..open];
        return callee[(callee.LastIndexOf('.') + 1)..].Trim();
    }
}
