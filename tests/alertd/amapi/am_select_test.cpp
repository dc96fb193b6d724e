// Which alerts and silences a request selects, and in what order, by Alertmanager 0.25's rules.
#include <catch2/catch.hpp>

#include "alertd/amapi/am_api.h"
#include "alertd/amapi/am_select.h"

using namespace twikit;
using namespace twikit::amapi;

namespace {

notify::Matchers filter(std::initializer_list<const char*> texts) {
  WebParams params;
  for (const char* t : texts) params.emplace_back("filter", t);
  auto parsed = parse_filter(params);
  REQUIRE(std::holds_alternative<notify::Matchers>(parsed));
  return std::get<notify::Matchers>(parsed);
}

std::string filter_error(const WebParams& params) {
  auto parsed = parse_alert_filter(params);
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

silence::Silence silence_with(std::string id, std::initializer_list<const char*> matchers, TimestampMs start, TimestampMs end) {
  silence::Silence s;
  s.id = std::move(id);
  for (const char* m : matchers) s.matchers.push_back(notify::parse_matcher(m));
  s.starts_at = start;
  s.ends_at = end;
  return s;
}

}  // namespace

TEST_CASE("each filter parameter is one matcher in Alertmanager's syntax", "[amapi][filter]") {
  const auto m = filter({"alertname=Down", "severity=~\"crit.*\"", "team!=ops", "env!~\"dev|test\""});
  REQUIRE(m.size() == 4);
  CHECK(m[0].to_string() == "alertname=\"Down\"");
  CHECK(m[1].to_string() == "severity=~\"crit.*\"");
  CHECK(m[2].to_string() == "team!=\"ops\"");
  CHECK(m[3].to_string() == "env!~\"dev|test\"");
}

TEST_CASE("a filter that does not parse is refused with Alertmanager's words", "[amapi][filter]") {
  CHECK(filter_error({{"filter", "foo"}}) == "bad matcher format: foo");
  CHECK(filter_error({{"filter", "a=~\"(\""}}).starts_with("invalid regular expression \"(\""));
  CHECK(filter_error({{"receiver", "("}}).starts_with("failed to parse receiver param: "));
  CHECK(filter_error({{"silenced", "maybe"}}) == "silenced in query must be of type boolean: \"maybe\"");
}

TEST_CASE("the state switches default to true and read go-swagger's booleans", "[amapi][filter]") {
  auto parsed = parse_alert_filter({{"active", "false"}, {"silenced", "0"}, {"inhibited", "yes"}, {"unprocessed", "off"}});
  REQUIRE(std::holds_alternative<AlertFilter>(parsed));
  const auto& f = std::get<AlertFilter>(parsed);
  CHECK(!f.active);
  CHECK(!f.silenced);
  CHECK(f.inhibited);
  CHECK(!f.unprocessed);
  const auto defaults = std::get<AlertFilter>(parse_alert_filter({}));
  CHECK((defaults.active && defaults.silenced && defaults.inhibited && defaults.unprocessed));
}

TEST_CASE("an empty filter value also passes an absent label for = and a present one for !=", "[amapi][filter]") {
  const Labels with_team = make_labels({{"alertname", "Down"}, {"team", "ops"}});
  const Labels without_team = make_labels({{"alertname", "Down"}});
  CHECK(filter_matches(filter({"team=\"\""}), without_team));
  CHECK(!filter_matches(filter({"team=\"\""}), with_team));
  CHECK(filter_matches(filter({"team!=\"\""}), with_team));
  CHECK(!filter_matches(filter({"team!=\"\""}), without_team));
  CHECK(filter_matches(filter({"team=~\"\""}), without_team));
  CHECK(filter_matches(filter({"team!~\"\""}), with_team));
  CHECK(filter_matches(filter({"alertname=Down", "team=~\"o.*\""}), with_team));
  CHECK(!filter_matches(filter({"alertname=Down", "team=~\"o\""}), with_team));
}

TEST_CASE("the state switches drop active, silenced or inhibited alerts", "[amapi][filter]") {
  AlertView plain, silenced, inhibited;
  silenced.silenced_by = {"s1"};
  inhibited.inhibited_by = {"f1"};
  AlertFilter only_silenced;
  only_silenced.active = false;
  only_silenced.inhibited = false;
  CHECK(!alert_selected(only_silenced, plain));
  CHECK(alert_selected(only_silenced, silenced));
  CHECK(!alert_selected(only_silenced, inhibited));
  AlertFilter all;
  CHECK((alert_selected(all, plain) && alert_selected(all, silenced) && alert_selected(all, inhibited)));
}

TEST_CASE("the receiver regex is anchored and any of the alert's receivers may match it", "[amapi][filter]") {
  const auto f = std::get<AlertFilter>(parse_alert_filter({{"receiver", "cr.t"}}));
  CHECK(receiver_selected(f, {"log", "crit"}));
  CHECK(!receiver_selected(f, {"critical"}));
  CHECK(receiver_selected(AlertFilter{}, {}));
}

TEST_CASE("a silence filter selects silences that have an equal matcher for each filter matcher", "[amapi][filter]") {
  const auto s = silence_with("a", {"alertname=Down", "service=~\"proxy.*\""}, 0, 1);
  CHECK(silence_selected(filter({"alertname=Down"}), s));
  CHECK(silence_selected(filter({"service=~\"proxy.*\"", "alertname=Down"}), s));
  CHECK(!silence_selected(filter({"alertname=~Down"}), s));
  CHECK(!silence_selected(filter({"service=proxy_rotation"}), s));
  CHECK(silence_selected({}, s));
}

TEST_CASE("silences are ordered active by end, pending by start, then expired latest first", "[amapi][filter]") {
  const TimestampMs now = 1'000'000;
  std::vector<silence::Silence> list = {
      silence_with("expired-early", {"a=b"}, 0, now - 500), silence_with("pending-late", {"a=b"}, now + 900, now + 2000),
      silence_with("active-long", {"a=b"}, 0, now + 800),   silence_with("expired-late", {"a=b"}, 0, now - 100),
      silence_with("pending-soon", {"a=b"}, now + 100, now + 5000), silence_with("active-short", {"a=b"}, 0, now + 10)};
  sort_silences(list, now);
  std::vector<std::string> ids;
  for (const auto& s : list) ids.push_back(s.id);
  CHECK(ids == std::vector<std::string>{"active-short", "active-long", "pending-soon", "pending-late", "expired-late",
                                        "expired-early"});
}

TEST_CASE("label sets order by size, then by the first differing value", "[amapi][filter]") {
  CHECK(label_set_before(make_labels({{"a", "z"}}), make_labels({{"a", "a"}, {"b", "b"}})));
  CHECK(label_set_before(make_labels({{"a", "1"}}), make_labels({{"a", "2"}})));
  CHECK(!label_set_before(make_labels({{"a", "2"}}), make_labels({{"a", "1"}})));
  CHECK(label_set_before(make_labels({{"b", "1"}}), make_labels({{"a", "1"}})));  // lacks "a": sorts first
  CHECK(!label_set_before(make_labels({{"a", "1"}}), make_labels({{"a", "1"}})));
}
