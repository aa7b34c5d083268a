using System.Globalization;
using Bert.Runtime.Training;

namespace Bert.Runtime.Checkpoints;

/// <summary>
/// Model (and optionally optimizer) state as one safetensors file: each parameter under its own name, Adam's
/// moments under "optimizer.m.NAME" / "optimizer.v.NAME" and its step in the "optimizer.step" metadata, so
/// the weights stay loadable by any safetensors reader and a run can resume exactly.
/// </summary>
public static class TrainingCheckpoint
{
    const string FirstMomentPrefix = "optimizer.m.", SecondMomentPrefix = "optimizer.v.", StepKey = "optimizer.step";

    public static void Save(string path, ParameterStore store, IOptimizerState? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) writer.Metadata[key] = value;
        foreach (var p in store.Parameters) writer.AddFloat32(p.Name, p.Shape, Slice(store.Values, p));
        if (optimizer is not null)
        {
            var state = optimizer.ExportState();
            writer.Metadata[StepKey] = state.Step.ToString(CultureInfo.InvariantCulture);
            foreach (var p in store.Parameters)
            {
                writer.AddFloat32(FirstMomentPrefix + p.Name, p.Shape, Slice(state.FirstMoment, p));
                writer.AddFloat32(SecondMomentPrefix + p.Name, p.Shape, Slice(state.SecondMoment, p));
            }
        }
        writer.Save(path);
    }

    /// <summary>
    /// Loads the parameters into <paramref name="store"/> and, when <paramref name="optimizer"/> is given, its
    /// state (the file must then hold it). Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, ParameterStore store, IOptimizerState? optimizer = null)
    {
        using var file = SafeTensorsFile.Open(path);
        file.LoadInto(store, name => name.StartsWith(FirstMomentPrefix, StringComparison.Ordinal) || name.StartsWith(SecondMomentPrefix, StringComparison.Ordinal));
        if (optimizer is not null)
        {
            if (!file.Metadata.TryGetValue(StepKey, out string? stepText) || !long.TryParse(stepText, CultureInfo.InvariantCulture, out long step))
                throw new CheckpointFormatException(file.Path, $"it holds no optimizer state (metadata '{StepKey}' is missing); it cannot resume training");
            var moments = store.Parameters.SelectMany(p => new[] { (FirstMomentPrefix + p.Name, p.Shape), (SecondMomentPrefix + p.Name, p.Shape) });
            file.CheckMatches(moments, name => !name.StartsWith("optimizer.", StringComparison.Ordinal));
            var first = new float[store.Values.Length];
            var second = new float[store.Values.Length];
            foreach (var p in store.Parameters)
            {
                file.ReadFloats(FirstMomentPrefix + p.Name, Slice(first, p).Span);
                file.ReadFloats(SecondMomentPrefix + p.Name, Slice(second, p).Span);
            }
            optimizer.ImportState(new AdamState(step, first, second));
        }
        return file.Metadata;
    }

    static Memory<float> Slice(float[] array, ParameterInfo p) => array.AsMemory((int)p.Offset, (int)p.Length);
}
