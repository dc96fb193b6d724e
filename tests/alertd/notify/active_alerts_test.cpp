// The one store of active alerts (notify/active_alerts.h) and the inhibitor that reads it instead of a copy.
#include <catch2/catch.hpp>

#include <algorithm>

#include "alertd/inhibit/inhibitor.h"
#include "alertd/notify/active_alerts.h"
#include "support/notify/fakes.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;

namespace {
constexpr TimestampMs kT0 = 1'700'000'000'000;

Alert with_validity(Alert a, TimestampMs ends_at) {
  a.ends_at = ends_at;
  return a;
}

std::vector<std::string> names(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const auto& a : alerts) out.push_back(label_value(a.labels, "alertname"));
  return out;
}

std::vector<Fingerprint> fingerprints(const std::vector<Alert>& alerts) {
  std::vector<Fingerprint> out;
  for (const auto& a : alerts) out.push_back(fingerprint(a));
  return out;
}
}  // namespace

TEST_CASE("the store keeps an alert's latest state and drops it when it is given resolved") {
  ActiveAlerts store;
  const Alert down = firing({{"alertname", "Down"}}, kT0, {{"summary", "first"}});
  CHECK(store.update({down}, kT0).empty());
  CHECK(store.update({firing({{"alertname", "Down"}}, kT0, {{"summary", "second"}})}, kT0 + 1).empty());
  REQUIRE(store.size() == 1);
  CHECK(store.snapshot().at(0).annotations == make_labels({{"summary", "second"}}));

  const std::vector<Alert> removed = store.update({resolved(down, kT0 + 2)}, kT0 + 2);
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].ends_at == kT0 + 2);
  CHECK(store.size() == 0);
}

TEST_CASE("an alert whose validity runs out without a refresh leaves the store at the next update") {
  ActiveAlerts store;
  store.update({with_validity(firing({{"alertname", "A"}}, kT0), kT0 + 300'000),
                with_validity(firing({{"alertname", "B"}}, kT0), kT0 + 600'000)},
               kT0);
  CHECK(names(store.update({}, kT0 + 299'999)).empty());
  CHECK(names(store.update({}, kT0 + 300'000)) == std::vector<std::string>{"A"});
  CHECK(names(store.snapshot()) == std::vector<std::string>{"B"});
}

TEST_CASE("the store lists and visits its alerts in fingerprint order, and a visit can stop early") {
  ActiveAlerts store;
  const std::vector<Alert> alerts{firing({{"alertname", "A"}}, kT0), firing({{"alertname", "B"}}, kT0),
                                  firing({{"alertname", "C"}}, kT0)};
  store.update(alerts, kT0);
  std::vector<Fingerprint> expected = fingerprints(alerts);
  std::sort(expected.begin(), expected.end());
  CHECK(fingerprints(store.snapshot()) == expected);

  std::vector<Fingerprint> visited;
  store.for_each([&](Fingerprint fp, const Alert&) {
    visited.push_back(fp);
    return visited.size() < 2;
  });
  CHECK(visited == std::vector<Fingerprint>{expected[0], expected[1]});
}

TEST_CASE("the inhibitor mutes by what the store holds now: a source counts from its update until it resolves") {
  ActiveAlerts store;
  const std::vector<InhibitRuleConfig> rules{
      {parse_matchers("severity=critical"), parse_matchers("severity=warning"), {"service"}}};
  const inhibit::Inhibitor inhibitor(rules, store);
  const Labels warning = make_labels({{"alertname", "Slow"}, {"service", "a"}, {"severity", "warning"}});
  const Alert source = firing({{"alertname", "Down"}, {"service", "a"}, {"severity", "critical"}}, kT0);
  const Alert other_service = firing({{"alertname", "Down"}, {"service", "b"}, {"severity", "critical"}}, kT0);

  store.update({other_service}, kT0);
  CHECK_FALSE(inhibitor.mutes(warning, kT0));
  store.update({source}, kT0);
  CHECK(inhibitor.mutes(warning, kT0));
  CHECK(inhibitor.inhibited_by(warning, kT0) == std::vector<Fingerprint>{fingerprint(source)});
  store.update({resolved(source, kT0 + 1)}, kT0 + 1);
  CHECK_FALSE(inhibitor.mutes(warning, kT0 + 1));
  CHECK(inhibitor.inhibited_by(warning, kT0 + 1).empty());
}

TEST_CASE("a source whose validity has run out no longer mutes, even before the store's next update") {
  ActiveAlerts store;
  const std::vector<InhibitRuleConfig> rules{
      {parse_matchers("severity=critical"), parse_matchers("severity=warning"), {}}};
  const inhibit::Inhibitor inhibitor(rules, store);
  const Labels warning = make_labels({{"alertname", "Slow"}, {"severity", "warning"}});
  store.update({with_validity(firing({{"alertname", "Down"}, {"severity", "critical"}}, kT0), kT0 + 300'000)}, kT0);
  CHECK(inhibitor.mutes(warning, kT0 + 299'999));
  CHECK_FALSE(inhibitor.mutes(warning, kT0 + 300'000));
}
