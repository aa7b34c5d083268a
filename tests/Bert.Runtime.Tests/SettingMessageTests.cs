using Bert.Runtime.Trainer;

namespace Bert.Runtime.Tests;

/// <summary>Runtime messages name settings through a namer: the API's spelling by default, an application's on request.</summary>
public class SettingMessageTests
{
    [Fact]
    public void An_invalid_option_is_named_by_its_api_spelling_and_by_any_namer()
    {
        var error = Assert.Throws<UserError>(() => new TrainerOptions { Steps = 10, WarmupSteps = 11 }.Validate());
        Assert.Equal("TrainerOptions.WarmupSteps is 11; it must be between 0 and TrainerOptions.Steps (10).", error.Message);
        Assert.Equal("<WarmupSteps> is 11; it must be between 0 and <Steps> (10).", error.Describe(setting => $"<{setting}>"));
        Assert.DoesNotContain("--", error.Message);
    }

    [Fact]
    public void A_message_that_names_no_setting_reads_the_same_for_every_namer()
    {
        var error = new UserError("The vocabulary file is empty.");
        Assert.Equal(error.Message, error.Describe(setting => "--" + setting));
    }

    [Fact]
    public void Every_setting_has_an_api_name()
    {
        foreach (var setting in Enum.GetValues<Setting>())
            Assert.False(string.IsNullOrWhiteSpace(Settings.ApiName(setting)));
    }
}
