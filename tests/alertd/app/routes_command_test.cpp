#include <catch2/catch.hpp>

#include <sstream>

#include "alertd/app/routes_command.h"
#include "support/process.h"

using twikit::app::routes_command;

namespace {

// A routing tree with a regex route that continues, a nested route, legacy match/match_re and ':' in a name.
const char* kConfig = R"(route:
  receiver: default
  routes:
    - matchers: ['service=~"proxy.*"']
      receiver: team-x
      continue: true
      routes:
        - matchers: [severity="critical"]
          receiver: team-x-pager
    - match: {service: proxy_rotation}
      match_re: {env: "prod|staging"}
      receiver: team-y
    - matchers: ['k8s:ns="db"', 'alpha!="q"']
      receiver: team-db
receivers:
  - name: default
  - name: team-x
  - name: team-x-pager
  - name: team-y
  - name: team-db
)";

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = routes_command(args, out, err);
  return {code, out.str(), err.str()};
}

std::string config_file() {
  const std::string dir = twikit::testing::make_temp_dir("alertd-routes");
  twikit::testing::write_file(dir + "/alertd.yml", kConfig);
  return dir + "/alertd.yml";
}

}  // namespace

TEST_CASE("config routes show draws the tree as amtool does, matchers sorted and match_re anchored") {
  const Run r = run({"show", "--config.file=" + config_file()});
  CHECK(r.code == 0);
  CHECK(r.out ==
        "Routing tree:\n"
        ".\n"
        "└── default-route  receiver: default\n"
        "    ├── {service=~\"proxy.*\"}  continue: true  receiver: team-x\n"
        "    │\u00a0\u00a0 └── {severity=\"critical\"}  receiver: team-x-pager\n"
        "    ├── {env=~\"^(?:prod|staging)$\",service=\"proxy_rotation\"}  receiver: team-y\n"
        "    └── {alpha!=\"q\",k8s:ns=\"db\"}  receiver: team-db\n"
        "\n");
}

TEST_CASE("config routes test prints the receivers a label set reaches, continue included") {
  const std::string file = config_file();
  CHECK(run({"test", "--config.file=" + file, "service=proxy_rotation", "severity=critical", "env=prod"}).out ==
        "team-x-pager,team-y\n");
  CHECK(run({"test", "--config.file=" + file, "service=api"}).out == "default\n");
  CHECK(run({"test", "--config.file=" + file, "k8s:ns=\"db\""}).out == "team-db\n");
}

TEST_CASE("config routes test --tree shows only the paths to the matching routes") {
  const Run r = run({"test", "--config.file=" + config_file(), "--tree", "service=proxy_rotation", "env=prod"});
  CHECK(r.out ==
        "Matching routes:\n"
        ".\n"
        "└── default-route\n"
        "    ├── {service=~\"proxy.*\"}  receiver: team-x\n"
        "    └── {env=~\"^(?:prod|staging)$\",service=\"proxy_rotation\"}  receiver: team-y\n"
        "\n\n"
        "team-x,team-y\n");
}

TEST_CASE("config routes test --verify.receivers fails with amtool's warning when the receivers differ") {
  const std::string file = config_file();
  CHECK(run({"test", "--config.file=" + file, "--verify.receivers=default", "service=api"}).code == 0);
  const Run wrong = run({"test", "--config.file=" + file, "--verify.receivers=team-y", "service=api"});
  CHECK(wrong.code == 1);
  CHECK(wrong.out == "default\nWARNING: Expected receivers did not match resolved receivers.\n");
}

TEST_CASE("config routes reports a bad file with its position and a bad label by name") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-routes-bad");
  twikit::testing::write_file(dir + "/bad.yml", "route:\n  receiver: nobody\nreceivers:\n  - name: default\n");
  const Run bad = run({"show", "--config.file=" + dir + "/bad.yml"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("bad.yml:2:13: route refers to unknown receiver \"nobody\"") != std::string::npos);
  const Run label = run({"test", "--config.file=" + config_file(), "service=~api"});
  CHECK(label.code == 1);
  CHECK(label.err.find("only name=value labels can be tested") != std::string::npos);
}
