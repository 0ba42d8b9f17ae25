#include "draftsmith/agent/secrets.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

using draftsmith::agent::SecretFilter;

TEST_CASE("agent::SecretFilter, by name")
{
    const SecretFilter filter;

    for (const char* path :
         {".env", "app/.env", ".env.production", "certs/server.pem", "tls/private.key", "store.p12",
          "win.pfx", "android/release.keystore", "deploy/id_rsa", "home/id_rsa.pub", "id_ed25519",
          ".npmrc", "pkg/.pypirc", ".netrc", "credentials.json", "gcp/credentials-prod.json",
          "config/secrets.yml"}) {
        CAPTURE(path);
        CHECK(filter.hides_path(path));
        CHECK(filter.why_hidden(path, "").has_value());
    }
    for (const char* path :
         {"src/app.py", "README.md", ".env.example", "app/.env.sample", "environment.ts",
          "docs/keys.md", "credentials.py", "src/secrets_manager.py"}) {
        CAPTURE(path);
        CHECK_FALSE(filter.hides_path(path));
        CHECK_FALSE(filter.why_hidden(path, "print('hello')\n").has_value());
    }
    CHECK(filter.why_hidden("a/id_rsa", "") == "its name looks like an SSH key");
}

TEST_CASE("agent::SecretFilter, by content")
{
    const SecretFilter filter;

    SUBCASE("credentials are found on any line")
    {
        CHECK(filter.why_hidden("k.txt", "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n") ==
              "it holds a private key");
        CHECK(filter.why_hidden("k.txt", "-----BEGIN OPENSSH PRIVATE KEY-----\n") ==
              "it holds a private key");
        CHECK(filter.why_hidden("k.txt", "-----BEGIN PRIVATE KEY-----") ==
              "it holds a private key");
        CHECK(filter.why_hidden("settings.py", "AWS = 'AKIAIOSFODNN7EXAMPLE'\n") ==
              "it holds an AWS access key id");
        CHECK(filter.why_hidden("ci.sh", "export T=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n") ==
              "it holds a GitHub token");
        CHECK(filter.why_hidden("ci.sh", "github_pat_11ABCDEFG0123456789_abcdefghijkl") ==
              "it holds a GitHub token");
        CHECK(filter.why_hidden("hook.js", "const t = 'xoxb-1234567890-abcdef';") ==
              "it holds a Slack token");
        CHECK(filter.why_hidden("llm.py", "key = \"sk-ant-api03-abcdefghijklmnopqrstuvwxyz\"") ==
              "it holds an Anthropic API key");
        CHECK(filter.why_hidden("llm.py", "OPENAI=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789") ==
              "it holds an OpenAI API key");
        CHECK(filter.why_hidden("app.rb", "  API_KEY = 'q8f7a6s5d4f3g2h1j0k9'\n") ==
              "it assigns what looks like a credential");
        CHECK(filter.why_hidden("conf.json", R"({"client_secret": "abcdefghijklmnop1234"})") ==
              "it assigns what looks like a credential");
    }

    SUBCASE("ordinary code is not a secret")
    {
        for (const char* code :
             {"password = input('Password: ')\n", "api_key = os.environ['API_KEY']\n",
              "token = 'short'\n", "const disk-usage-monitoring-service-name-identifier = 1;\n",
              "-----BEGIN CERTIFICATE-----\n", "ghp_tooshort\n", "AKIA lower\n"}) {
            CAPTURE(code);
            CHECK_FALSE(filter.why_content_hidden(code).has_value());
        }
    }

    SUBCASE("a key far into an overlong line is found")
    {
        std::string line(100000, 'x');
        line += " AKIAIOSFODNN7EXAMPLE ";
        line += std::string(100000, 'y');
        CHECK(filter.why_content_hidden(line) == "it holds an AWS access key id");
    }
}

TEST_CASE("agent::SecretFilter, configured rules")
{
    draftsmith::config::SecretRules rules;
    rules.extra_names = {"config/prod/**", "*.sealed"};
    rules.extra_patterns = {R"(INTERNAL-[0-9]{6})"};
    const SecretFilter filter(rules);

    CHECK(filter.hides_path("config/prod/db.yml"));
    CHECK(filter.hides_path("deep/x.sealed"));
    CHECK_FALSE(filter.hides_path("config/dev/db.yml"));
    CHECK(filter.why_hidden("config/prod/db.yml", "") ==
          "it matches secrets.extra_names 'config/prod/**'");
    CHECK(filter.why_hidden("notes.txt", "id INTERNAL-123456\n") ==
          "it matches secrets.extra_patterns 'INTERNAL-[0-9]{6}'");
    CHECK_FALSE(filter.why_hidden("notes.txt", "id INTERNAL-12\n"));
    // the built-in rules still hold
    CHECK(filter.hides_path(".env"));

    draftsmith::config::SecretRules bad;
    bad.extra_patterns = {"([a-z"};
    CHECK_THROWS_AS(SecretFilter{bad}, draftsmith::Error);
    try {
        const SecretFilter never{bad};
        FAIL("no exception");
    } catch (const draftsmith::Error& error) {
        CHECK(error.category() == draftsmith::ErrorCategory::config);
        CHECK(std::string(error.what())
                  .find("secrets.extra_patterns: '([a-z' is not a valid regular expression") == 0);
    }
}

TEST_CASE("agent::SecretFilter, lines worth a regex")
{
    const SecretFilter filter;

    SUBCASE("every GitHub token prefix")
    {
        for (const char* prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) {
            CAPTURE(prefix);
            const std::string line =
                std::string("token: ") + prefix + "abcdefghijklmnopqrstuvwxyz0123456789\n";
            CHECK(filter.why_content_hidden(line) == "it holds a GitHub token");
        }
        CHECK_FALSE(filter.why_content_hidden("ghx_abcdefghijklmnopqrstuvwxyz0123456789\n"));
    }

    SUBCASE("an assignment needs a quoted literal")
    {
        CHECK(filter.why_content_hidden("#define X 1\npassword: 'abcdefghijklmnop1234'\n") ==
              "it assigns what looks like a credential");
        CHECK(filter.why_content_hidden("Access_Token=\"abcdefghijklmnop1234\"") ==
              "it assigns what looks like a credential");
        CHECK_FALSE(filter.why_content_hidden("api_key = abcdefghijklmnop1234\n"));
        CHECK_FALSE(filter.why_content_hidden("int key; /* the key */\nstruct token;\n"));
    }

    SUBCASE("the first line with a secret decides, after many lines with needles")
    {
        std::string text;
        for (int i = 0; i < 1000; ++i) {
            text += "const char *key = \"short\"; /* high through */\n";
        }
        text += "AWS = 'AKIAIOSFODNN7EXAMPLE'\n";
        text += "T = ghp_abcdefghijklmnopqrstuvwxyz0123456789\n";
        CHECK(filter.why_content_hidden(text) == "it holds an AWS access key id");
        CHECK_FALSE(filter.why_content_hidden(text.substr(0, text.find("AWS"))));
    }

    SUBCASE("a needle on one line and the rest on the next is no secret")
    {
        CHECK_FALSE(filter.why_content_hidden("api_key\n= 'abcdefghijklmnop1234'\n"));
        CHECK_FALSE(filter.why_content_hidden("AKIA\nIOSFODNN7EXAMPLE\n"));
    }

    SUBCASE("a token at the very start or end of the text")
    {
        CHECK(filter.why_content_hidden("AKIAIOSFODNN7EXAMPLE") == "it holds an AWS access key id");
        CHECK(filter.why_content_hidden("x\n\n\nxoxb-1234567890-abcdef") ==
              "it holds a Slack token");
    }
}

TEST_CASE("agent::SecretFilter, extra patterns search every line")
{
    draftsmith::config::SecretRules rules;
    rules.extra_patterns = {R"(^INTERNAL$)"};
    const SecretFilter filter(rules);
    CHECK(filter.why_content_hidden("a\n\nINTERNAL\nb\n") ==
          "it matches secrets.extra_patterns '^INTERNAL$'");
    CHECK(filter.why_content_hidden("x\nghp_abcdefghijklmnopqrstuvwxyz0123456789\n") ==
          "it holds a GitHub token");
    CHECK_FALSE(filter.why_content_hidden("a INTERNAL\n"));
}
