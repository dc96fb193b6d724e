#include <catch2/catch.hpp>

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <limits>


#include "common/exposition.h"
#include "support/gzip.h"
#include "support/process.h"

using namespace twikit;

namespace {

std::vector<MetricFamily> tricky_families() {
  return {
      {"twikit_requests_total", "Requests handled, with \\ backslash and \"quotes\"\nand a newline.",
       MetricType::counter,
       {{make_labels({{"service", "a\"b\\c\nd"}}), 120331, {}, {}},
        {make_labels({{"service", "plain"}}), 0, {}, {}}}},
      {"twikit_values", "Floats that must round-trip.", MetricType::gauge,
       {{make_labels({{"case", "third"}}), 1.0 / 3.0, {}, {}},
        {make_labels({{"case", "tenth"}}), 0.1, {}, {}},
        {make_labels({{"case", "big"}}), 1e20, {}, {}},
        {make_labels({{"case", "small"}}), 1.5e-7, {}, {}},
        {make_labels({{"case", "negative"}}), -42.5, {}, {}},
        {make_labels({{"case", "nan"}}), std::nan(""), {}, {}},
        {make_labels({{"case", "pinf"}}), std::numeric_limits<double>::infinity(), {}, {}},
        {make_labels({{"case", "ninf"}}), -std::numeric_limits<double>::infinity(), {}, {}},
        {make_labels({{"case", "max"}}), std::numeric_limits<double>::max(), {}, {}},
        {make_labels({{"case", "int"}}), 9007199254740992.0, {}, {}}}},
      {"twikit_untyped", "A sample with a timestamp.", MetricType::untyped, {{{}, 1, {}, 1700000000123}}},
  };
}

std::string golden(const std::string& name) {
  return testing::read_file(std::string(TWIKIT_SOURCE_DIR) + "/tests/common/golden/" + name);
}

}  // namespace

TEST_CASE("doubles are written in their shortest round-trip form") {
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_double(1.0 / 3.0) == "0.3333333333333333");
  CHECK(format_double(120331) == "120331");
  CHECK(format_double(-0.5) == "-0.5");
  CHECK(format_double(1e20) == "1e+20");
  CHECK(format_double(std::nan("")) == "NaN");
  CHECK(format_double(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_double(-std::numeric_limits<double>::infinity()) == "-Inf");
  for (double v : {0.1, 1.0 / 3.0, 2.718281828459045, 1e-300, 123456.789, 6.02214076e23}) {
    CHECK(std::strtod(format_double(v).c_str(), nullptr) == v);
  }
}

TEST_CASE("number formatting ignores the process locale") {
  const char* old = std::setlocale(LC_NUMERIC, nullptr);
  const std::string saved = old ? old : "C";
  if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") == nullptr) std::setlocale(LC_NUMERIC, "C.UTF-8");
  CHECK(format_double(0.25) == "0.25");
  std::setlocale(LC_NUMERIC, saved.c_str());
}

TEST_CASE("the text format matches the golden file byte for byte") {
  std::string out;
  write_exposition(out, tricky_families(), ExpositionFormat::text);
  CHECK(out == golden("exposition.txt"));
}

TEST_CASE("the OpenMetrics format matches the golden file byte for byte") {
  std::string out;
  write_exposition(out, tricky_families(), ExpositionFormat::openmetrics);
  CHECK(out == golden("exposition.om.txt"));
}

TEST_CASE("OpenMetrics is chosen only when the Accept header asks for it") {
  CHECK(negotiate_format("") == ExpositionFormat::text);
  CHECK(negotiate_format("text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == ExpositionFormat::text);
  CHECK(negotiate_format("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                         "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") ==
        ExpositionFormat::openmetrics);
  CHECK(std::string(content_type(ExpositionFormat::text)) == "text/plain; version=0.0.4; charset=utf-8");
}

TEST_CASE("a family without help text has no HELP line") {
  std::string out;
  write_exposition(out, {{"x", "", MetricType::gauge, {{{}, 1, {}, {}}}}}, ExpositionFormat::text);
  CHECK(out == "# TYPE x gauge\nx 1\n");
}

// promtool check metrics reads only the text format (its parser rejects OpenMetrics' escaped quotes in
// HELP), so the OpenMetrics golden file is held to a real Prometheus in the exporter's integration test.
TEST_CASE("promtool check metrics accepts the text golden file without findings", "[promtool]") {
  for (const char* name : {"exposition.txt"}) {
    const std::string path = std::string(TWIKIT_SOURCE_DIR) + "/tests/common/golden/" + name;
    // promtool check metrics exits non-zero on format errors; lint findings alone are printed.
    const std::string cmd = "promtool check metrics < " + path + " > /tmp/promtool_golden.out 2>&1";
    const int rc = std::system(cmd.c_str());
    INFO(name << ": " << testing::read_file("/tmp/promtool_golden.out"));
    CHECK(rc == 0);
  }
}

TEST_CASE("gzip output is a valid gzip stream") {
  const std::string data(100000, 'x');
  const std::string gz = gzip_compress(data);
  REQUIRE(gz.size() > 18);
  CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(gz[1]) == 0x8b);
  CHECK(gz.size() < data.size() / 10);
  CHECK(accepts_gzip("gzip, deflate"));
  CHECK_FALSE(accepts_gzip("identity"));
}

TEST_CASE("a gzip prefix written piece by piece and finished with a tail is one valid gzip stream") {
  std::string whole;
  GzipPrefixWriter writer;
  for (int i = 0; i < 20000; ++i) {
    const std::string line = "t_value{id=\"" + std::to_string(i) + "\"} " + std::to_string(i * 7) + "\n";
    whole += line;
    writer.append(line);
  }
  const GzipPrefix prefix = writer.finish();
  CHECK(prefix.size == whole.size());
  CHECK(prefix.deflated.size() < whole.size() / 4);
  CHECK(prefix.deflated.capacity() < prefix.deflated.size() + 64);  // holds the compressed bytes only
  const std::string tail = "# EOF\n";
  const std::string gz = prefix.header + prefix.deflated + gzip_finish(prefix, tail);
  CHECK(twikit::testing::gunzip(gz) == whole + tail);
  const GzipPrefix at_once = gzip_prefix(whole);
  CHECK(twikit::testing::gunzip(at_once.header + at_once.deflated + gzip_finish(at_once, tail)) == whole + tail);
}

TEST_CASE("a gzip prefix inflates back to the data it was made from") {
  const std::string data = golden("exposition.txt");
  CHECK(inflate_prefix(gzip_prefix(data)) == data);
  CHECK(inflate_prefix(gzip_prefix("")).empty());
  GzipPrefix broken = gzip_prefix(data);
  broken.size += 1;
  CHECK_THROWS_AS(inflate_prefix(broken), std::runtime_error);
}

TEST_CASE("write_exposition is each family written in turn, plus EOF in OpenMetrics") {
  const auto families = tricky_families();
  for (auto format : {ExpositionFormat::text, ExpositionFormat::openmetrics}) {
    std::string pieces;
    for (const auto& f : families) write_family(pieces, f, format);
    if (format == ExpositionFormat::openmetrics) pieces += "# EOF\n";
    std::string whole;
    write_exposition(whole, families, format);
    CHECK(pieces == whole);
  }
}
