using Bert.Runtime.Execution;
using Bert.Runtime.Training;

namespace Bert.Samples.Pretraining;

/// <summary>Turns a generated model's parameter specs into a <see cref="ParameterStore"/> table.</summary>
static class ParameterTables
{
    /// <summary>The generated specs as a store table: HuggingFace names, back-to-back offsets (the model's layout).</summary>
    public static ParameterInfo[] FromSpecs(ParameterSpec[] specs)
    {
        var table = new ParameterInfo[specs.Length];
        long offset = 0;
        for (int i = 0; i < specs.Length; i++)
        {
            var s = specs[i];
            var init = s.Init switch
            {
                ParamInit.Normal => Init.Normal(s.Scale),
                ParamInit.Ones => Init.Ones,
                _ => Init.Zeros,
            };
            table[i] = new ParameterInfo(s.HfName, s.Shape, offset, s.Elements, init, s.WeightDecay);
            offset += s.Elements;
        }
        return table;
    }
}
