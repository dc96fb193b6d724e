#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <vector>

#include "common/exposition.h"
#include "exporter/target_samples.h"

using namespace twikit;
using namespace twikit::exporter;

namespace {

MetricSpec spec_named(const std::string& name) {
  MetricSpec spec;
  spec.name = name;
  return spec;
}

MappedSample sample(const MetricSpec& spec, const std::string& id, double value) {
  return {&spec, make_labels({{"service", "t"}, {"id", id}}), value};
}

std::string lines_of(const RenderedSamples& r, std::size_t family) {
  return r.text.substr(r.families[family].begin, r.families[family].end - r.families[family].begin);
}

}  // namespace

TEST_CASE("a target's samples are grouped by family in first-seen order, each family's lines in sample order") {
  const MetricSpec a = spec_named("a");
  const MetricSpec b = spec_named("b");
  const MetricSpec a_again = spec_named("a");  // another spec writing the same family
  const RenderedSamples r =
      render_samples({sample(a, "1", 1), sample(b, "1", 2), sample(a_again, "2", 3.5), sample(b, "2", -1)});
  REQUIRE(r.families.size() == 2);
  CHECK(r.families[0].spec == &a);
  CHECK(r.families[1].spec == &b);
  CHECK(lines_of(r, 0) == "a{id=\"1\",service=\"t\"} 1\na{id=\"2\",service=\"t\"} 3.5\n");
  CHECK(lines_of(r, 1) == "b{id=\"1\",service=\"t\"} 2\nb{id=\"2\",service=\"t\"} -1\n");
  CHECK(r.text == lines_of(r, 0) + lines_of(r, 1));
  CHECK(r.series == 4);
  CHECK(r.duplicates == 0);
}

TEST_CASE("a repeated label set is dropped and counted, the first value kept, in small and large families") {
  const MetricSpec a = spec_named("a");
  for (const int size : {3, 31, 32, 33, 100}) {
    std::vector<MappedSample> samples;
    std::string expected;
    for (int i = 0; i < size; ++i) {
      samples.push_back(sample(a, std::to_string(i), i));
      expected += "a{id=\"" + std::to_string(i) + "\",service=\"t\"} " + std::to_string(i) + "\n";
    }
    // Every id again with another value, and the first and last once more.
    for (int i = 0; i < size; ++i) samples.push_back(sample(a, std::to_string(i), -1));
    samples.push_back(sample(a, "0", -2));
    samples.push_back(sample(a, std::to_string(size - 1), -2));
    const RenderedSamples r = render_samples(std::move(samples));
    INFO("family of " << size);
    CHECK(r.text == expected);
    CHECK(r.series == static_cast<std::size_t>(size));
    CHECK(r.duplicates == static_cast<std::uint64_t>(size + 2));
  }
}

TEST_CASE("a target without samples renders nothing") {
  const RenderedSamples r = render_samples({});
  CHECK(r.text.empty());
  CHECK(r.families.empty());
  CHECK(r.series == 0);
}

TEST_CASE("a sample line is written exactly as write_family writes the sample, in both formats") {
  const Labels labels = make_labels({{"service", "a\"b\\c\nd"}, {"id", "é"}, {"z", ""}});
  for (const double value : {0.0, -0.0, 1.0, -2.5, 1e300, 1e-300, 123456789012345.0, 1e16, 0.1,
                             std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()}) {
    std::string line;
    append_sample_line(line, "t_x_total", labels, value);
    for (const auto format : {ExpositionFormat::text, ExpositionFormat::openmetrics}) {
      std::string family;
      write_family(family, MetricFamily{"t_x_total", "", MetricType::counter, {MetricSample{labels, value, {}, {}}}},
                   format);
      INFO(family);
      CHECK(family.substr(family.find('\n') + 1) == line);
    }
  }
  std::string unlabelled;
  append_sample_line(unlabelled, "t_y", {}, 3);
  CHECK(unlabelled == "t_y 3\n");
}
