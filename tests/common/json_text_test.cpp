#include <catch2/catch.hpp>

#include "common/json_text.h"

using twikit::safe_dump;

TEST_CASE("safe_dump writes invalid UTF-8 as U+FFFD where dump() throws") {
  const nlohmann::json j = {{"bad", "a\xff" "b"}, {"cut", "\xc3"}, {"ok", "\xc3\xa9"}};
  CHECK_THROWS_AS(j.dump(), nlohmann::json::type_error);
  CHECK(safe_dump(j) == "{\"bad\":\"a\xef\xbf\xbd" "b\",\"cut\":\"\xef\xbf\xbd\",\"ok\":\"\xc3\xa9\"}");
  CHECK(safe_dump(nlohmann::json::array({1, "x"}), 1) == "[\n 1,\n \"x\"\n]");
}

TEST_CASE("safe_dump keeps an ordered_json's insertion order") {
  nlohmann::ordered_json j;
  j["status"] = "success";
  j["data"] = "\xff";
  CHECK(safe_dump(j) == "{\"status\":\"success\",\"data\":\"\xef\xbf\xbd\"}");
}
