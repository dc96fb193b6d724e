// alertd.yaml's `rules.managed_dir`: where it points by default and when set, and that its rule files are
// among the rule files alertd loads while its disabled/ directory is not.
#include <catch2/catch.hpp>

#include <filesystem>

#include "alertd/config/config.h"
#include "common/yaml_errors.h"
#include "support/process.h"

using namespace twikit;

namespace {
const notify::EnvLookup kNoEnv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}  // namespace

TEST_CASE("the managed directory defaults to rules.d beside the storage file") {
  const auto cfg = config::load_config_string("storage:\n  path: /var/lib/alertd/alertd.db\n", "a.yaml", "/etc/x",
                                              kNoEnv, {.allow_empty = true, .storage_path = {}});
  CHECK(cfg.rules.managed_dir == "/var/lib/alertd/rules.d");
  const auto plain = config::load_config_string("", "a.yaml", "/etc/x", kNoEnv, {.allow_empty = true, .storage_path = {}});
  CHECK(plain.rules.managed_dir == "data/rules.d");
}

TEST_CASE("a relative managed directory resolves against the config file's directory") {
  const auto cfg = config::load_config_string("rules:\n  managed_dir: api-rules\n", "a.yaml", "/etc/x", kNoEnv,
                                              {.allow_empty = true, .storage_path = {}});
  CHECK(cfg.rules.managed_dir == "/etc/x/api-rules");
}

TEST_CASE("an unknown key or an empty managed_dir is an error at its position") {
  CHECK_THROWS_WITH(config::load_config_string("rules:\n  managed: x\n", "a.yaml", "/etc/x", kNoEnv, {.allow_empty = true, .storage_path = {}}),
                    Catch::Matchers::StartsWith("a.yaml:2:3: "));
  CHECK_THROWS_WITH(config::load_config_string("rules:\n  managed_dir: ''\n", "a.yaml", "/etc/x", kNoEnv, {.allow_empty = true, .storage_path = {}}),
                    "a.yaml:2:16: managed_dir is empty");
}

TEST_CASE("the managed directory's rule files join rule_files, its disabled rules do not") {
  const std::string dir = testing::make_temp_dir("managed_dir_config");
  std::filesystem::create_directories(dir + "/rules.d/disabled");
  testing::write_file(dir + "/hand.yml", "groups: []\n");
  testing::write_file(dir + "/rules.d/api.yml", "groups: []\n");
  testing::write_file(dir + "/rules.d/disabled/api.yml", "groups: []\n");
  testing::write_file(dir + "/rules.d/notes.txt", "not a rule file\n");
  const auto cfg = config::load_config_string("rule_files: [hand.yml]\nrules:\n  managed_dir: rules.d\n", "a.yaml",
                                              dir, kNoEnv);
  CHECK(cfg.rule_files == std::vector<std::string>{dir + "/hand.yml", dir + "/rules.d/api.yml"});
  // Only the managed directory's files: still a config with rule files, so it is not refused as empty.
  const auto managed_only =
      config::load_config_string("rules:\n  managed_dir: rules.d\n", "a.yaml", dir, kNoEnv);
  CHECK(managed_only.rule_files == std::vector<std::string>{dir + "/rules.d/api.yml"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("--storage.path moves the default managed rules directory with it") {
  const auto cfg = config::load_config_string("", "a.yaml", "/etc/x", kNoEnv,
                                              {.allow_empty = true, .storage_path = "/var/lib/alertd/alertd.db"});
  CHECK(cfg.storage.path == "/var/lib/alertd/alertd.db");
  CHECK(cfg.rules.managed_dir == "/var/lib/alertd/rules.d");
}
