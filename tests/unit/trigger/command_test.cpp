#include "draftsmith/trigger/command.hpp"

#include <doctest/doctest.h>

using namespace draftsmith::trigger;

namespace {

Command command_of(std::string_view text, int max_variants = k_default_max_variants)
{
    const auto result = parse_comment(text, max_variants);
    const auto* command = std::get_if<Command>(&result);
    if (command == nullptr) {
        const auto* error = std::get_if<CommandError>(&result);
        FAIL("not a command: " << (error != nullptr ? error->message : "(no command)"));
    }
    return *command;
}

std::string error_of(std::string_view text, int max_variants = k_default_max_variants)
{
    const auto result = parse_comment(text, max_variants);
    const auto* error = std::get_if<CommandError>(&result);
    REQUIRE_MESSAGE(error != nullptr, "expected an error for: " << text);
    return error->message;
}

bool is_not_a_command(std::string_view text)
{
    return std::holds_alternative<NotACommand>(parse_comment(text));
}

} // namespace

TEST_CASE("trigger::parse_comment, the issue's examples")
{
    SUBCASE("/edit /3 make buttons red")
    {
        const auto command = command_of("/edit /3 make buttons red");
        CHECK(command.variants == 3);
        CHECK(command.intent == "make buttons red");
        CHECK(command.options.empty());
        CHECK(command.slug == "make-buttons-red");
    }
    SUBCASE("/edit fix it has one variant")
    {
        const auto command = command_of("/edit fix it");
        CHECK(command.variants == 1);
        CHECK(command.intent == "fix it");
        CHECK(command.slug == "fix-it");
    }
}

TEST_CASE("trigger::parse_comment, what is a command line")
{
    SUBCASE("plain text is not a command")
    {
        CHECK(is_not_a_command("Looks good to me!"));
        CHECK(is_not_a_command(""));
        CHECK(is_not_a_command("please /edit this"));
    }
    SUBCASE("leading spaces and tabs are allowed")
    {
        CHECK(command_of("  \t/edit fix it").intent == "fix it");
    }
    SUBCASE("any case")
    {
        CHECK(command_of("/EDIT fix it").intent == "fix it");
        CHECK(command_of("/Edit /2 fix it").variants == 2);
    }
    SUBCASE("a whole word only")
    {
        CHECK(is_not_a_command("/editor fix it"));
        CHECK(is_not_a_command("/edit-this fix it"));
        CHECK(is_not_a_command("/edits"));
    }
    SUBCASE("text before the command line is ignored")
    {
        const auto command = command_of("Thanks for the PR.\nCould you:\n/edit /2 rename foo");
        CHECK(command.variants == 2);
        CHECK(command.intent == "rename foo");
    }
    SUBCASE("the first command line wins; later ones belong to its intent")
    {
        const auto command = command_of("/edit /2 first\n/edit /4 second");
        CHECK(command.variants == 2);
        CHECK(command.intent == "first\n/edit /4 second");
    }
}

TEST_CASE("trigger::parse_comment, fences and quotes never count")
{
    SUBCASE("inside a backtick fence")
    {
        CHECK(is_not_a_command("Example:\n```\n/edit /3 make it red\n```\n"));
    }
    SUBCASE("inside a tilde fence")
    {
        CHECK(is_not_a_command("~~~text\n/edit make it red\n~~~"));
    }
    SUBCASE("an indented fence with an info string")
    {
        CHECK(is_not_a_command("  ```bash\n/edit make it red\n  ```"));
    }
    SUBCASE("a fence closes only with its own marker, at least as long")
    {
        CHECK(is_not_a_command("````\n```\n/edit a\n````x\n~~~~\n/edit b\n"));
        const auto command = command_of("````\n/edit no\n```\n````\n/edit yes");
        CHECK(command.intent == "yes");
    }
    SUBCASE("inline triple backticks open no fence")
    {
        CHECK(command_of("```inline``` text\n/edit go").intent == "go");
    }
    SUBCASE("after the fence closes, a command counts")
    {
        const auto command = command_of("```\n/edit /3 no\n```\n/edit /2 yes");
        CHECK(command.variants == 2);
        CHECK(command.intent == "yes");
    }
    SUBCASE("a quoted command does not re-trigger")
    {
        CHECK(is_not_a_command("> /edit /3 make it red\n\nDone, see the PRs."));
        CHECK(is_not_a_command("  >/edit make it red"));
        CHECK(is_not_a_command("> > /edit nested"));
    }
    SUBCASE("a quote before a real command")
    {
        CHECK(command_of("> /edit /3 old\n/edit /2 new").variants == 2);
    }
}

TEST_CASE("trigger::parse_comment, the number of variants")
{
    SUBCASE("bounds")
    {
        CHECK(command_of("/edit /1 x").variants == 1);
        CHECK(command_of("/edit /5 x").variants == 5);
        CHECK(command_of("/edit /8 x", 10).variants == 8);
    }
    SUBCASE("/0 is out of range")
    {
        CHECK(error_of("/edit /0 x") ==
              "'/0' asks for 0 variants, but 1 to 5 are allowed: write /1 to /5, "
              "e.g. '/edit /3 make the buttons red'");
    }
    SUBCASE("/6 is above the default maximum")
    {
        CHECK(error_of("/edit /6 x").find("'/6' asks for 6 variants, but 1 to 5 are allowed") == 0);
    }
    SUBCASE("the maximum comes from the caller")
    {
        CHECK(error_of("/edit /3 x", 2) == "'/3' asks for 3 variants, but 1 to 2 are allowed: "
                                           "write /1 to /2, e.g. '/edit /2 make the buttons red'");
        CHECK(command_of("/edit /6 x", 6).variants == 6);
    }
    SUBCASE("/-1 is not a number of variants")
    {
        CHECK(error_of("/edit /-1 x") ==
              "'/-1' is not a number of variants: write /N with N from 1 to 5, "
              "e.g. '/edit /3 make the buttons red'");
    }
    SUBCASE("/2x is not a number of variants")
    {
        CHECK(error_of("/edit /2x x").find("'/2x' is not a number of variants") == 0);
        CHECK(error_of("/edit /+2 x").find("'/+2' is not a number of variants") == 0);
    }
    SUBCASE("a huge number does not overflow")
    {
        CHECK(error_of("/edit /99999999999999999999 x").find("but 1 to 5 are allowed") !=
              std::string::npos);
    }
    SUBCASE("a path in the intent is not a count")
    {
        const auto command = command_of("/edit /src/app.css make it red");
        CHECK(command.variants == 1);
        CHECK(command.intent == "/src/app.css make it red");
    }
    SUBCASE("/N only right after /edit")
    {
        CHECK(command_of("/edit model=m /3 x").intent == "/3 x");
    }
}

TEST_CASE("trigger::parse_comment, options")
{
    SUBCASE("known keys")
    {
        const auto command = command_of(
            "/edit /2 model=gpt-4.1 provider=openai files=src/a.css,src/b.css mode=oneshot "
            "make it red");
        CHECK(command.variants == 2);
        CHECK(command.options ==
              std::map<std::string, std::string>{{"model", "gpt-4.1"},
                                                 {"provider", "openai"},
                                                 {"files", "src/a.css,src/b.css"},
                                                 {"mode", "oneshot"}});
        CHECK(command.intent == "make it red");
    }
    SUBCASE("keys are case-insensitive")
    {
        CHECK(command_of("/edit Model=x go").options.at("model") == "x");
    }
    SUBCASE("an unknown key lists the known ones")
    {
        CHECK(error_of("/edit colour=red go") ==
              "unknown option 'colour'; the known options are model, provider, files, mode. "
              "Write key=value before the intent, or '--' to start the intent");
    }
    SUBCASE("a near miss gets a hint")
    {
        CHECK(error_of("/edit modle=x go").find("unknown option 'modle' (did you mean 'model'?)") ==
              0);
    }
    SUBCASE("-- ends the options")
    {
        const auto command = command_of("/edit /2 model=m -- x=1 is wrong");
        CHECK(command.options.at("model") == "m");
        CHECK(command.intent == "x=1 is wrong");
        CHECK(command_of("/edit -- -- keep").intent == "-- keep");
    }
    SUBCASE("options stop at the first word of the intent")
    {
        const auto command = command_of("/edit set a=b in config");
        CHECK(command.options.empty());
        CHECK(command.intent == "set a=b in config");
    }
    SUBCASE("an empty value")
    {
        CHECK(error_of("/edit model= go") ==
              "option 'model' has no value: write model=VALUE with no spaces around '='");
    }
    SUBCASE("a key given twice")
    {
        CHECK(error_of("/edit model=a model=b go") ==
              "option 'model' is given twice: write it once");
    }
    SUBCASE("mode and provider values are checked")
    {
        CHECK(error_of("/edit mode=fast go") ==
              "mode 'fast' is not known: write mode=tools or mode=oneshot");
        CHECK(error_of("/edit provider=gemini go").find("provider 'gemini' is not known") == 0);
        CHECK(command_of("/edit provider=azure-openai go").options.at("provider") ==
              "azure-openai");
    }
    SUBCASE("files with an empty entry")
    {
        CHECK(error_of("/edit files=a,,b go").find("files 'a,,b' has an empty entry") == 0);
    }
}

TEST_CASE("trigger::parse_comment, the intent")
{
    SUBCASE("spans the following lines")
    {
        const auto command =
            command_of("/edit /2 make the buttons red\nand keep the hover colour\n");
        CHECK(command.intent == "make the buttons red\nand keep the hover colour");
    }
    SUBCASE("may start on the next line")
    {
        CHECK(command_of("/edit /2\n\n  make it red  \n\n").intent == "make it red");
    }
    SUBCASE("CRLF is normalised")
    {
        CHECK(command_of("/edit /2 one\r\ntwo\r\n").intent == "one\ntwo");
        CHECK(command_of("hello\r/edit x\ry").intent == "x\ny");
    }
    SUBCASE("trailing blanks go outside fences, fenced code is verbatim")
    {
        const auto command =
            command_of("/edit use this:   \n```css\n  .btn { color: red; }  \n\t\n```\nthanks  ");
        CHECK(command.intent == "use this:\n```css\n  .btn { color: red; }  \n\t\n```\nthanks");
    }
    SUBCASE("quoted lines after the command belong to the intent")
    {
        CHECK(command_of("/edit fix this\n> error: x").intent == "fix this\n> error: x");
    }
    SUBCASE("an empty intent is an error")
    {
        const std::string expected = "the /edit command says nothing to do: write what to change "
                                     "after it, e.g. '/edit /3 make the buttons red'";
        CHECK(error_of("/edit") == expected);
        CHECK(error_of("/edit /3   \n  \n") == expected);
        CHECK(error_of("/edit model=x --") == expected);
    }
}

TEST_CASE("trigger::make_slug, rules")
{
    SUBCASE("lowercase ASCII words joined by '-'")
    {
        CHECK(make_slug("Make the Submit-Buttons RED!") == "make-the-submit-buttons-red");
        CHECK(make_slug("fix #123: use v2.0") == "fix-123-use-v2-0");
        CHECK(make_slug("don't break") == "dont-break");
    }
    SUBCASE("transliteration")
    {
        CHECK(make_slug("Größe ändern für Übersicht") == "grosse-andern-fur-ubersicht");
        CHECK(make_slug("café naïve façade Ærø Łódź Škoda") == "cafe-naive-facade-aero-lodz-skoda");
        CHECK(make_slug("STRAẞE") == "strasse");
    }
    SUBCASE("other non-ASCII is dropped")
    {
        CHECK(make_slug("fix 日本語 text 🔥") == "fix-text");
        CHECK(make_slug("a\xff"
                        "b") == "ab");
    }
    SUBCASE("at most 40 characters, cut at a word boundary")
    {
        const auto slug = make_slug("make the submit buttons red and keep the hover colour as is");
        CHECK(slug == "make-the-submit-buttons-red-and-keep-the");
        CHECK(slug.size() == 40);
        CHECK(make_slug("aaaaaaaaaa bbbbbbbbbb cccccccccc ddddddddd eeee") ==
              "aaaaaaaaaa-bbbbbbbbbb-cccccccccc");
    }
    SUBCASE("one word longer than 40 is cut")
    {
        CHECK(make_slug(std::string(50, 'x')) == std::string(40, 'x'));
    }
    SUBCASE("never empty")
    {
        CHECK(make_slug("!!! ???") == "edit");
        CHECK(make_slug("日本語") == "edit");
        CHECK(command_of("/edit 🔥").slug == "edit");
    }
    SUBCASE("fenced code is not part of the slug")
    {
        CHECK(make_slug("```css\n.btn{}\n```\nmake it red") == "make-it-red");
    }
}

TEST_CASE("trigger::to_json, the three shapes")
{
    SUBCASE("command")
    {
        CHECK(to_json(parse_comment("/edit /3 model=m make buttons red")).dump() ==
              R"({"command":"edit","variants":3,"intent":"make buttons red",)"
              R"("options":{"model":"m"},"slug":"make-buttons-red"})");
    }
    SUBCASE("not a command")
    {
        CHECK(to_json(parse_comment("LGTM")).dump() == R"({"command":null})");
    }
    SUBCASE("error")
    {
        CHECK(to_json(parse_comment("/edit /0 x")).dump().rfind(R"({"error":"'/0' asks)", 0) == 0);
    }
}

TEST_CASE("trigger::parse_comment, a comment larger than the limit")
{
    const std::string huge(300 * 1024, 'x');
    const auto result = parse_comment("/edit make it red\n" + huge);
    const auto* error = std::get_if<CommandError>(&result);
    REQUIRE(error != nullptr);
    CHECK(error->message ==
          "the comment is larger than 256 KiB, the most draftsmith reads; write a shorter request");
    CHECK(std::holds_alternative<NotACommand>(parse_comment("LGTM\n" + huge)));
    CHECK(std::holds_alternative<Command>(
        parse_comment("/edit make it red\n" + std::string(200 * 1024, 'x'))));
}
