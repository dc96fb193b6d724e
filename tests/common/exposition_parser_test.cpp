#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "common/exposition_parser.h"

using twikit::ExpositionFormat;
using twikit::parse_exposition;

namespace {

twikit::ParsedExposition text(std::string_view body) { return parse_exposition(body, ExpositionFormat::text); }
twikit::ParsedExposition om(std::string_view body) { return parse_exposition(body, ExpositionFormat::openmetrics); }

}  // namespace

TEST_CASE("a text exposition yields every sample with its labels, value and timestamp") {
  const auto r = text(
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
      "\n"
      "# A normal comment\n"
      "metric_without_timestamp_and_labels 12.47\n"
      "  indented_metric 1\n"
      "trailing_comma{a=\"b\",} 2\n"
      "empty_braces{} 3\n");
  REQUIRE_FALSE(r.error);
  REQUIRE(r.samples.size() == 6);
  CHECK(r.samples[0].name == "http_requests_total");
  CHECK(r.samples[0].labels == std::vector<twikit::Label>{{"method", "post"}, {"code", "200"}});
  CHECK(r.samples[0].value == 1027);
  CHECK(r.samples[0].timestamp_ms == 1395066363000);
  CHECK(r.samples[1].value == 3);
  CHECK(r.samples[2].name == "metric_without_timestamp_and_labels");
  CHECK(r.samples[2].labels.empty());
  CHECK_FALSE(r.samples[2].timestamp_ms);
  CHECK(r.samples[3].name == "indented_metric");
  CHECK(r.samples[4].labels == std::vector<twikit::Label>{{"a", "b"}});
  CHECK(r.samples[5].labels.empty());
}

TEST_CASE("label values are unescaped and may contain braces, commas and UTF-8") {
  const auto r = text("msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
                      "odd{v=\"a,b}c{\",w=\"h\xc3\xa9llo\",x=\"\\q\"} 1\n");
  REQUIRE_FALSE(r.error);
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[0].labels[0].second == "C:\\DIR\\FILE.TXT");
  CHECK(r.samples[0].labels[1].second == "Cannot find file:\n\"FILE.TXT\"");
  CHECK(r.samples[0].value == 1.458255915e9);
  CHECK(r.samples[1].labels[0].second == "a,b}c{");
  CHECK(r.samples[1].labels[1].second == "h\xc3\xa9llo");
  CHECK(r.samples[1].labels[2].second == "\\q");  // unknown escapes are kept as written
}

TEST_CASE("special float values are read as Prometheus reads them") {
  const auto r = text("a NaN\nb +Inf\nc -Inf\nd -0.5e-3\ne +12\nf 0x0\n");
  REQUIRE(r.error);  // hex is not a float in the exposition format
  CHECK(r.error->line == 6);
  const auto ok = text("a NaN\nb +Inf\nc -Inf\nd -0.5e-3\ne +12\ng inf\n");
  REQUIRE_FALSE(ok.error);
  CHECK(std::isnan(ok.samples[0].value));
  CHECK(ok.samples[1].value == std::numeric_limits<double>::infinity());
  CHECK(ok.samples[2].value == -std::numeric_limits<double>::infinity());
  CHECK(ok.samples[3].value == -0.5e-3);
  CHECK(ok.samples[4].value == 12);
  CHECK(ok.samples[5].value == std::numeric_limits<double>::infinity());
}

TEST_CASE("HELP and TYPE reach the handler, HELP unescaped") {
  struct Handler : twikit::ExpositionHandler {
    std::vector<std::string> seen;
    void on_sample(const twikit::SampleView& s) override { seen.push_back("sample " + std::string(s.series)); }
    void on_type(std::string_view m, twikit::ParsedMetricType t) override {
      seen.push_back("type " + std::string(m) + " " + twikit::parsed_metric_type_name(t));
    }
    void on_help(std::string_view m, std::string_view h) override {
      seen.push_back("help " + std::string(m) + " " + std::string(h));
    }
    void on_unit(std::string_view m, std::string_view u) override {
      seen.push_back("unit " + std::string(m) + " " + std::string(u));
    }
  } handler;
  twikit::ExpositionParser parser;
  REQUIRE_FALSE(parser.parse("# HELP a line\\nbreak and \\\\ and \\\"\n# TYPE a gauge\na{x=\"1\"} 1\n",
                             ExpositionFormat::text, handler));
  CHECK(handler.seen == std::vector<std::string>{"help a line\nbreak and \\ and \\\"", "type a gauge",
                                                 "sample a{x=\"1\"}"});
  handler.seen.clear();
  REQUIRE_FALSE(parser.parse("# TYPE b_seconds gauge\n# UNIT b_seconds seconds\n# HELP b_seconds say \\\"hi\\\"\nb_seconds 1\n# EOF\n",
                             ExpositionFormat::openmetrics, handler));
  CHECK(handler.seen == std::vector<std::string>{"type b_seconds gauge", "unit b_seconds seconds",
                                                 "help b_seconds say \"hi\"", "sample b_seconds"});
}

TEST_CASE("malformed text lines fail the whole body with the line number and reason") {
  struct Case {
    const char* body;
    std::size_t line;
    const char* reason;
  };
  const Case cases[] = {
      {"ok 1\nbad{a=\"b\" 1\n", 2, "expected ',' or '}'"},
      {"ok 1\n\nbad{a=\"b} 1\n", 3, "unterminated value"},
      {"bad{1a=\"b\"} 1\n", 1, "expected label name"},
      {"bad{a b\"} 1\n", 1, "expected '='"},
      {"bad{a=b} 1\n", 1, "expected '\"'"},
      {"bad\n", 1, "missing value"},
      {"bad one\n", 1, "invalid value"},
      {"bad 1 12.5\n", 1, "invalid timestamp"},
      {"bad 1 12 extra\n", 1, "unexpected text"},
      {"0bad 1\n", 1, "invalid metric name"},
      {"ba-d 1\n", 1, "invalid character after metric name"},
      {"# TYPE x bogus\n", 1, "invalid metric type"},
      {"# TYPE x unknown\n", 1, "invalid metric type"},  // an OpenMetrics type, not a text one
      {"# TYPE 0x gauge\n", 1, "invalid metric name"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    const auto r = text(c.body);
    REQUIRE(r.error);
    CHECK(r.error->line == c.line);
    CHECK_THAT(r.error->reason, Catch::Contains(c.reason));
    CHECK(r.samples.empty());
  }
}

TEST_CASE("OpenMetrics: timestamps in seconds, exemplars skipped, _created dropped, # EOF required") {
  const auto r = om(
      "# TYPE foo counter\n"
      "# HELP foo Requests.\n"
      "foo_total{a=\"1\"} 17.0 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
      "foo_created{a=\"1\"} 1520430000.123\n"
      "# TYPE g gauge\n"
      "g 5\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 2 # {trace_id=\"x\"} 0.5 123\n"
      "h_bucket{le=\"+Inf\"} 3\n"
      "h_count 3\n"
      "h_sum 2.5\n"
      "h_created 1520430000\n"
      "# EOF\n");
  REQUIRE_FALSE(r.error);
  REQUIRE(r.samples.size() == 6);
  CHECK(r.samples[0].name == "foo_total");
  CHECK(r.samples[0].timestamp_ms == 1520879607789);
  CHECK(r.samples[1].name == "g");
  CHECK(r.samples[2].labels == std::vector<twikit::Label>{{"le", "1"}});
  CHECK(r.samples[5].name == "h_sum");

  twikit::ExpositionParseOptions keep;
  keep.skip_created_series = false;
  const auto kept = parse_exposition("# TYPE foo counter\nfoo_total 1\nfoo_created 2\n# EOF", ExpositionFormat::openmetrics, keep);
  REQUIRE_FALSE(kept.error);
  CHECK(kept.samples.size() == 2);
}

TEST_CASE("malformed OpenMetrics bodies are rejected") {
  struct Case {
    const char* body;
    std::size_t line;
    const char* reason;
  };
  const Case cases[] = {
      {"a 1\n", 1, "does not end with # EOF"},
      {"a 1\n# EOF\nb 2\n", 3, "after # EOF"},
      {"a 1\n\n# EOF\n", 2, "empty line"},
      {"# random comment\n# EOF\n", 1, "invalid metadata keyword"},
      {"a 1 # trace\n# EOF\n", 1, "invalid exemplar"},
      {"a 1 notatime\n# EOF\n", 1, "invalid timestamp"},
      {"# TYPE a untyped\n# EOF\n", 1, "invalid metric type"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    const auto r = om(c.body);
    REQUIRE(r.error);
    CHECK(r.error->line == c.line);
    CHECK_THAT(r.error->reason, Catch::Contains(c.reason));
  }
  CHECK_FALSE(om("a 1\n# EOF").error);  // the final newline is optional
  CHECK_FALSE(om("# TYPE s stateset\ns{s=\"a\"} 1\n# TYPE i info\ni_info{v=\"1\"} 1\n# EOF\n").error);
}

TEST_CASE("the content type picks the format") {
  CHECK(twikit::exposition_format_from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8") ==
        ExpositionFormat::openmetrics);
  CHECK(twikit::exposition_format_from_content_type("text/plain; version=0.0.4") == ExpositionFormat::text);
  CHECK(twikit::exposition_format_from_content_type("") == ExpositionFormat::text);
}

TEST_CASE("the series view is the raw name and label block, a stable cache key") {
  struct Handler : twikit::ExpositionHandler {
    std::vector<std::string> series;
    void on_sample(const twikit::SampleView& s) override { series.emplace_back(s.series); }
  } handler;
  twikit::ExpositionParser parser;
  REQUIRE_FALSE(parser.parse("a{x=\"1\",y=\"2\"} 1 5\nb 2\r\n", ExpositionFormat::text, handler));
  CHECK(handler.series == std::vector<std::string>{"a{x=\"1\",y=\"2\"}", "b"});
}

TEST_CASE("a body written by the project's exposition writer parses back to the same samples") {
  twikit::MetricFamily family;
  family.name = "twikit_requests_total";
  family.help = "Requests \\ with \"quotes\"\nand a newline.";
  family.type = twikit::MetricType::counter;
  family.samples.push_back({twikit::make_labels({{"service", "a\"b\\c\nd"}}), 1.5, "", std::nullopt});
  family.samples.push_back({twikit::make_labels({{"service", "x"}}), std::numeric_limits<double>::infinity(), "", std::nullopt});
  for (auto format : {ExpositionFormat::text, ExpositionFormat::openmetrics}) {
    std::string body;
    twikit::write_exposition(body, {family}, format);
    INFO(body);
    const auto r = parse_exposition(body, format);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.samples.size() == 2);
    CHECK(r.samples[0].name == "twikit_requests_total");
    CHECK(r.samples[0].labels[0].second == "a\"b\\c\nd");
    CHECK(r.samples[0].value == 1.5);
    CHECK(std::isinf(r.samples[1].value));
  }
}

TEST_CASE("invalid UTF-8 in a label value or HELP text fails the parse with Prometheus' message") {
  // Prometheus' text parser: `invalid UTF-8 label value: %q` of the value token as written, quotes included.
  const auto value = text("ok 1\nbad{a=\"x\",b=\"\xc3\"} 1\n");
  REQUIRE(value.error);
  CHECK(value.error->line == 2);
  CHECK(value.error->reason == R"(invalid UTF-8 label value: "\"\xc3\"")");
  CHECK(value.samples.empty());
  const auto escaped = text("bad{a=\"q\\\"\xff\\n\"} 1\n");  // escapes stay as written, like Go's %q shows them
  REQUIRE(escaped.error);
  CHECK(escaped.error->reason == R"(invalid UTF-8 label value: "\"q\\\"\xff\\n\"")");
  const auto om_value = om("bad{a=\"\xff\"} 1\n# EOF\n");
  REQUIRE(om_value.error);
  CHECK(om_value.error->reason == R"(invalid UTF-8 label value: "\"\xff\"")");
  const auto help = text("# HELP m caf\xc3 au lait\nm 1\n");
  REQUIRE(help.error);
  CHECK(help.error->line == 1);
  CHECK(help.error->reason == R"(help text "caf\xc3 au lait" is not a valid utf8 string)");
  // Valid multi-byte UTF-8 is accepted as it is.
  const auto ok = text("# HELP m caf\xc3\xa9\nm{v=\"\xc3\xa9" "clair-2.1\"} 1\n");
  REQUIRE_FALSE(ok.error);
  CHECK(ok.samples.at(0).labels == std::vector<twikit::Label>{{"v", "\xc3\xa9" "clair-2.1"}});
}
