#include <catch2/catch.hpp>

#include "alertd/scrape/series_labels.h"

namespace {

twikit::Labels build(std::vector<twikit::LabelView> labels, const twikit::Labels& target, std::string* error = nullptr) {
  twikit::SampleView sample;
  sample.name = "m";
  sample.labels = labels;
  twikit::Labels out;
  auto err = twikit::scrape::build_series_labels(sample, target, out);
  if (error) *error = err.value_or("");
  return out;
}

}  // namespace

TEST_CASE("target labels are added and sorted with __name__") {
  const auto target = twikit::make_labels({{"job", "j"}, {"instance", "h:1"}});
  CHECK(build({{"b", "2"}, {"a", "1"}}, target) ==
        twikit::Labels{{"__name__", "m"}, {"a", "1"}, {"b", "2"}, {"instance", "h:1"}, {"job", "j"}});
}

TEST_CASE("an exposed label that clashes with a target label is kept as exported_<name>") {
  const auto target = twikit::make_labels({{"job", "j"}, {"instance", "h:1"}});
  CHECK(build({{"job", "theirs"}, {"exported_instance", "x"}, {"instance", "i"}}, target) ==
        twikit::Labels{{"__name__", "m"},
                       {"exported_exported_instance", "i"},
                       {"exported_instance", "x"},
                       {"exported_job", "theirs"},
                       {"instance", "h:1"},
                       {"job", "j"}});
}

TEST_CASE("empty label values are dropped and repeated names are rejected") {
  std::string error;
  CHECK(build({{"a", ""}}, {}) == twikit::Labels{{"__name__", "m"}});
  build({{"a", "1"}, {"a", "2"}}, {}, &error);
  CHECK(error == "label name \"a\" is not unique");
  build({{"__name__", "x"}}, {}, &error);
  CHECK_THAT(error, Catch::Contains("reserved"));
}
