namespace Bert.Generators.Graph.Ops
{
    /// <summary>An op of one tensor that keeps its shape, called as <c>Name(x)</c> (Gelu, Relu, Tanh): its result is named after it.</summary>
    internal abstract class ActivationOp : Op
    {
        public override string[] Calls => new[] { Name };

        public override Value? Parse(IOpCall call)
        {
            var x = call.Tensor(0)!;
            return call.Emit(this, char.ToLowerInvariant(Name[0]) + Name.Substring(1), () => x.Shape, new[] { x });
        }
    }
}
