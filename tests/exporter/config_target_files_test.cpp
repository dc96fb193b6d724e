// target_files: globs of YAML target lists beside exporter.yaml, read at load (and so at every reload).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "common/yaml_errors.h"
#include "exporter/config.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::exporter;
using twikit::testing::make_temp_dir;
using twikit::testing::write_file;

namespace {

// A directory holding exporter.yaml (with `head` before a two-service mapping) and the given target files.
struct ConfigDir {
  std::string dir = make_temp_dir("twikit-target-files");
  ~ConfigDir() { std::filesystem::remove_all(dir); }

  std::string config(const std::string& head) const {
    const std::string path = dir + "/exporter.yaml";
    write_file(path, head +
                         "common_metrics: []\n"
                         "services:\n"
                         "  session_manager: []\n"
                         "  rate_limit: []\n");
    return path;
  }
  void file(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(dir + "/" + name).parent_path());
    write_file(dir + "/" + name, text);
  }
};

std::string error_of(const std::string& path) {
  try {
    load_config_file(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("target_files adds the targets of every matching file after the inline ones, sorted by file name") {
  ConfigDir d;
  d.file("targets/b.yaml", "- {name: rate_limit-0, url: \"http://127.0.0.1:9003/status\", service: rate_limit}\n");
  d.file("targets/a.yaml",
         "- name: session_manager-0\n"
         "  url: http://127.0.0.1:9001/status\n"
         "  service: session_manager\n"
         "  timeout: 2s\n"
         "- {name: session_manager-1, url: \"http://127.0.0.1:9011/status\", service: session_manager}\n");
  d.file("targets/notes.txt", "not a target file\n");
  const std::string path = d.config(
      "targets:\n"
      "  - {name: session_manager, url: \"http://127.0.0.1:9000/status\"}\n"
      "target_files: [\"targets/*.yaml\"]\n");
  const ExporterConfig cfg = load_config_file(path);
  REQUIRE(cfg.targets.size() == 4);
  CHECK(cfg.targets[0].name == "session_manager");
  CHECK(cfg.targets[1].name == "session_manager-0");
  CHECK(cfg.targets[1].url == "http://127.0.0.1:9001/status");
  CHECK(cfg.targets[1].service == "session_manager");
  CHECK(cfg.targets[1].timeout_ms == 2000);
  CHECK(cfg.targets[2].name == "session_manager-1");
  CHECK(cfg.targets[3].name == "rate_limit-0");
  CHECK(cfg.targets[3].service == "rate_limit");
}

TEST_CASE("an error inside a target file is reported at its file:line:col") {
  ConfigDir d;
  d.file("t.yaml",
         "- {name: a, url: \"http://127.0.0.1:1/status\", service: rate_limit}\n"
         "- name: b\n"
         "  url: ftp://127.0.0.1:2/status\n"
         "  service: rate_limit\n");
  const std::string path = d.config("target_files: [t.yaml]\n");
  CHECK(error_of(path) == d.dir + "/t.yaml:3:8: url must start with http:// or https://");
}

TEST_CASE("a target file that is not a list, and an unknown key in one, are refused at their position") {
  ConfigDir d;
  SECTION("a mapping") {
    d.file("t.yaml", "name: a\nurl: http://127.0.0.1:1/status\n");
    CHECK(error_of(d.config("target_files: [t.yaml]\n")) ==
          d.dir + "/t.yaml:1:1: a target file must be a list of targets");
  }
  SECTION("an unknown key") {
    d.file("t.yaml", "- {name: rate_limit, url: \"http://127.0.0.1:1/status\", labels: {}}\n");
    CHECK(error_of(d.config("target_files: [t.yaml]\n")).starts_with(d.dir + "/t.yaml:1:"));
  }
}

TEST_CASE("a target name listed twice across files is refused at the second, naming the first file") {
  ConfigDir d;
  d.file("t-a.yaml", "- {name: rate_limit-0, url: \"http://127.0.0.1:1/status\", service: rate_limit}\n");
  d.file("t-b.yaml",
         "- {name: rate_limit-1, url: \"http://127.0.0.1:2/status\", service: rate_limit}\n"
         "- {name: rate_limit-0, url: \"http://127.0.0.1:3/status\", service: rate_limit}\n");
  const std::string path = d.config("target_files: [\"t-*.yaml\"]\n");
  CHECK(error_of(path) == d.dir + "/t-b.yaml:2:10: duplicate target name 'rate_limit-0' (first listed in " + d.dir +
                              "/t-a.yaml)");
}

TEST_CASE("a target file without wildcards must exist; a glob may match nothing") {
  ConfigDir d;
  CHECK(error_of(d.config("targets: [{name: rate_limit, url: \"http://127.0.0.1:1/status\"}]\n"
                          "target_files: [missing.yaml]\n")) ==
        d.dir + "/exporter.yaml:2:16: target file '" + d.dir + "/missing.yaml' does not exist");
  CHECK(load_config_file(d.config("targets: [{name: rate_limit, url: \"http://127.0.0.1:1/status\"}]\n"
                                  "target_files: [\"none/*.yaml\"]\n"))
            .targets.size() == 1);
  CHECK(error_of(d.config("target_files: [\"none/*.yaml\"]\n")) ==
        d.dir + "/exporter.yaml:1:15: no targets: the files of 'target_files' list none (pass --config.allow-empty to "
                "run without targets)");
}

TEST_CASE("loading again reads the target files again") {
  ConfigDir d;
  d.file("t.yaml", "- {name: rate_limit-0, url: \"http://127.0.0.1:1/status\", service: rate_limit}\n");
  const std::string path = d.config("target_files: [t.yaml]\n");
  CHECK(load_config_file(path).targets.size() == 1);
  d.file("t.yaml",
         "- {name: rate_limit-0, url: \"http://127.0.0.1:1/status\", service: rate_limit}\n"
         "- {name: rate_limit-1, url: \"http://127.0.0.1:2/status\", service: rate_limit}\n");
  const ExporterConfig cfg = load_config_file(path);
  REQUIRE(cfg.targets.size() == 2);
  CHECK(cfg.targets[1].name == "rate_limit-1");
}
