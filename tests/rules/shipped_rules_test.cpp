#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "alertd/rules/commands.h"

using namespace twikit::rules;

namespace {

std::vector<std::string> yml_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("the shipped rule files pass alertd check rules") {
  const auto files = yml_files(std::string(TWIKIT_SOURCE_DIR) + "/rules");
  REQUIRE(files.size() >= 3);
  std::ostringstream out;
  std::ostringstream err;
  CHECK(check_rules_command(files, out, err) == 0);
  INFO(out.str() << err.str());
  CHECK(err.str().empty());  // no errors and no duplicate-rule lint findings
}

TEST_CASE("the shipped rules' unit tests pass alertd test rules") {
  const auto files = yml_files(std::string(TWIKIT_SOURCE_DIR) + "/rules/tests");
  REQUIRE(files.size() >= 2);
  std::ostringstream out;
  std::ostringstream err;
  const int code = test_rules_command(files, out, err);
  INFO(out.str() << err.str());
  CHECK(code == 0);
}
