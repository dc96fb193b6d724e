#include <catch2/catch.hpp>

#include "sim/merge_patch.h"

using nlohmann::json;
using twikit::sim::apply_merge_patch;

namespace {
json applied(json target, const json& patch) {
  apply_merge_patch(target, patch);
  return target;
}
}  // namespace

TEST_CASE("a merge patch deletes members set to null", "[sim][merge_patch]") {
  CHECK(applied(json{{"a", 1}, {"b", 2}}, json{{"a", nullptr}}) == json{{"b", 2}});
  CHECK(applied(json{{"a", 1}}, json{{"missing", nullptr}}) == json{{"a", 1}});
}

TEST_CASE("a merge patch merges nested objects and replaces arrays whole", "[sim][merge_patch]") {
  const json target = {{"m", {{"x", 1}, {"y", 2}}}, {"list", {1, 2, 3}}};
  const json patch = {{"m", {{"y", 5}, {"z", {{"deep", true}}}}}, {"list", {9}}};
  CHECK(applied(target, patch) == json{{"m", {{"x", 1}, {"y", 5}, {"z", {{"deep", true}}}}}, {"list", {9}}});
}

TEST_CASE("merge patch examples from RFC 7396 appendix A", "[sim][merge_patch]") {
  CHECK(applied(json{{"a", "b"}}, json{{"a", "c"}}) == json{{"a", "c"}});
  CHECK(applied(json{{"a", "b"}}, json{{"b", "c"}}) == json{{"a", "b"}, {"b", "c"}});
  CHECK(applied(json{{"a", {{"b", "c"}}}}, json{{"a", {{"b", "d"}, {"c", nullptr}}}}) == json{{"a", {{"b", "d"}}}});
  CHECK(applied(json{{"a", json::array({json{{"b", "c"}}})}}, json{{"a", {1}}}) == json{{"a", {1}}});
  CHECK(applied(json::array({"a", "b"}), json::array({"c", "d"})) == json::array({"c", "d"}));
  CHECK(applied(json{{"a", "b"}}, json::array({"c"})) == json::array({"c"}));
  CHECK(applied(json{{"a", "foo"}}, nullptr) == nullptr);
  CHECK(applied(json{{"a", "foo"}}, "bar") == "bar");
  CHECK(applied(json{{"e", nullptr}}, json{{"a", 1}}) == json{{"e", nullptr}, {"a", 1}});
  CHECK(applied(json::array({1, 2}), json{{"a", "b"}, {"c", nullptr}}) == json{{"a", "b"}});
  CHECK(applied(json::object(), json{{"a", {{"bb", {{"ccc", nullptr}}}}}}) == json{{"a", {{"bb", json::object()}}}});
}

