#include <catch2/catch.hpp>

#include "common/labels.h"

using namespace twikit;

TEST_CASE("label sets are sorted by name and the last duplicate wins") {
  const Labels l = make_labels({{"z", "1"}, {"a", "2"}, {"z", "3"}});
  REQUIRE(l.size() == 2);
  CHECK(l[0] == Label{"a", "2"});
  CHECK(l[1] == Label{"z", "3"});
}

TEST_CASE("setting a label to the empty string removes it") {
  Labels l = make_labels({{"a", "1"}, {"b", "2"}});
  set_label(l, "a", "");
  set_label(l, "c", "3");
  CHECK(l == make_labels({{"b", "2"}, {"c", "3"}}));
  CHECK(label_value(l, "missing").empty());
}

TEST_CASE("metric and label names follow Prometheus' grammar") {
  CHECK(is_valid_metric_name("twikit_up"));
  CHECK(is_valid_metric_name("job:rate5m"));
  CHECK_FALSE(is_valid_metric_name("5xx"));
  CHECK_FALSE(is_valid_metric_name("a-b"));
  CHECK(is_valid_label_name("_x1"));
  CHECK_FALSE(is_valid_label_name("a:b"));
  CHECK_FALSE(is_valid_label_name(""));
}

TEST_CASE("label sets render with escaping") {
  CHECK(labels_to_string(make_labels({{"a", "x\"y\\z\n"}})) == "{a=\"x\\\"y\\\\z\\n\"}");
}
