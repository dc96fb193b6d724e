#include <catch2/catch.hpp>

#include "common/flags.h"

using namespace twikit;

namespace {
FlagSet make() {
  FlagSet f("prog", "A program.");
  f.add_string("config.file", "x.yaml", "Config.");
  f.add_string("web.listen-address", ":9877", "Listen.");
  f.add_bool("version", false, "Version.");
  f.add_bool("web.enable-lifecycle", true, "Lifecycle.");
  return f;
}
}  // namespace

TEST_CASE("flags accept --name=value and --name value, switches --x and --no-x") {
  FlagSet f = make();
  const char* argv[] = {"prog", "--config.file=a.yml", "--web.listen-address", "127.0.0.1:1",
                        "--version", "--no-web.enable-lifecycle", "positional"};
  REQUIRE_FALSE(f.parse(7, argv).has_value());
  CHECK(f.get("config.file") == "a.yml");
  CHECK(f.get("web.listen-address") == "127.0.0.1:1");
  CHECK(f.get_bool("version"));
  CHECK_FALSE(f.get_bool("web.enable-lifecycle"));
  CHECK(f.was_set("config.file"));
  CHECK(f.args() == std::vector<std::string>{"positional"});
}

TEST_CASE("unknown flags and missing values are errors, like kingpin's") {
  FlagSet f = make();
  const char* unknown[] = {"prog", "--nope"};
  CHECK(f.parse(2, unknown) == std::optional<std::string>("unknown long flag '--nope'"));
  FlagSet g = make();
  const char* missing[] = {"prog", "--config.file"};
  CHECK(g.parse(2, missing).has_value());
}

TEST_CASE("defaults apply when a flag is not given and --help lists every flag") {
  FlagSet f = make();
  const char* argv[] = {"prog"};
  REQUIRE_FALSE(f.parse(1, argv).has_value());
  CHECK(f.get("config.file") == "x.yaml");
  CHECK_FALSE(f.was_set("config.file"));
  CHECK(f.usage().find("--config.file") != std::string::npos);
  CHECK(f.usage().find("--[no-]version") != std::string::npos);
}
