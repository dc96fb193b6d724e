#include <catch2/catch.hpp>

#include "exporter/document_reader.h"

using namespace twikit::exporter;

TEST_CASE("a status document object is read with no repairs") {
  const DocumentRead r = read_document(R"({"status":"healthy","system":{"requests_total":3}})");
  REQUIRE(r.ok());
  CHECK(r.document["system"]["requests_total"] == 3);
  CHECK(r.repairs.empty());
}

TEST_CASE("a body that is not JSON is invalid_json with the parser's position, not its last-read bytes") {
  DocumentRead r = read_document("{not json");
  CHECK(r.reason == "invalid_json");
  CHECK(r.error == "body is not valid JSON: invalid literal at line 1, column 3");
  r = read_document(R"({"status":"heal)");  // the sim's truncate fault
  CHECK(r.error == "body is not valid JSON: invalid string: missing closing quote at line 1, column 16");
  r = read_document("\x89PNG\r\n\x1a\n");
  CHECK(r.error == "body is not valid JSON: invalid literal at line 1, column 1");
  r = read_document(R"({"a":1} trailing)");
  CHECK(r.error == "body is not valid JSON: invalid literal at line 1, column 11");
}

TEST_CASE("an empty body says so") {
  CHECK(read_document("").error == "body is empty");
  CHECK(read_document(" \r\n\t").error == "body is empty");
  CHECK(read_document("").reason == "invalid_json");
}

TEST_CASE("a number beyond the range of a double makes the body invalid JSON, naming the number") {
  const DocumentRead r = read_document(R"({"system":{"response_time_ms":1e400}})");
  CHECK(r.reason == "invalid_json");
  CHECK(r.error == "body is not valid JSON: number 1e400 is out of range");
  CHECK(read_document("{\"a\":-" + std::string(400, '9') + "e999}").error ==
        "body is not valid JSON: number -9999999999999999999999999999999\xE2\x80\xA6 is out of range");
}

TEST_CASE("a root that is not an object is a mapping error naming its type") {
  DocumentRead r = read_document("[1,2]");
  CHECK(r.reason == "mapping");
  CHECK(r.error == "document root: expected an object, got array");
  CHECK(read_document("\"healthy\"").error == "document root: expected an object, got string");
  CHECK(read_document("null").error == "document root: expected an object, got null");
  CHECK(read_document("42").error == "document root: expected an object, got number");
}

TEST_CASE("a body nested 100000 deep is refused before parsing, at the first bracket past the limit") {
  const DocumentRead r = read_document(std::string(100'000, '[') + std::string(100'000, ']'));
  CHECK(r.reason == "invalid_json");
  CHECK(r.error == "body is nested deeper than 64 levels (at byte 65)");
  CHECK(read_document(R"({"a":)" + std::string(100'000, '{')).error ==
        "body is nested deeper than 64 levels (at byte 69)");
}

TEST_CASE("nesting up to the limit is read, and brackets inside strings do not count") {
  std::string deep = R"({"a":)" + std::string(63, '[') + std::string(63, ']') + "}";
  CHECK(read_document(deep).ok());
  deep = R"({"a":)" + std::string(64, '[') + std::string(64, ']') + "}";
  CHECK(read_document(deep).error == "body is nested deeper than 64 levels (at byte 69)");
  const DocumentRead r = read_document(R"({"s":"[[[[\"{{{{)" + std::string(1000, '[') + R"(","n":1})");
  REQUIRE(r.ok());
  CHECK(r.document["n"] == 1);
}

TEST_CASE("invalid UTF-8 inside a string is replaced with U+FFFD and reported with the string's path") {
  const DocumentRead r = read_document(
      "{\"version\":\"1.\xff\",\"metrics\":{\"proxies\":{\"pool\":[{\"id\":\"p1\"},{\"id\":\"p\xc3\",\"region\":\"eu\xe2\x82\"}]}}}");
  REQUIRE(r.ok());
  CHECK(r.document["version"] == "1.\xEF\xBF\xBD");
  CHECK(r.document["metrics"]["proxies"]["pool"][1]["id"] == "p\xEF\xBF\xBD");
  CHECK(r.document["metrics"]["proxies"]["pool"][1]["region"] == "eu\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(r.repairs == std::vector<std::string>{
                         "metrics.proxies.pool[1].id: invalid UTF-8 replaced with U+FFFD",
                         "metrics.proxies.pool[1].region: invalid UTF-8 replaced with U+FFFD",
                         "version: invalid UTF-8 replaced with U+FFFD"});
}

TEST_CASE("overlong forms, surrogates and code points past U+10FFFF are not UTF-8 and are replaced") {
  for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\xaf"}) {
    INFO(bad);
    const DocumentRead r = read_document(std::string("{\"k\":\"") + bad + "\"}");
    REQUIRE(r.ok());
    const std::string value = r.document["k"];
    CHECK(value.find('\xEF') == 0);
    CHECK(r.repairs == std::vector<std::string>{"k: invalid UTF-8 replaced with U+FFFD"});
  }
  const DocumentRead fine = read_document("{\"k\":\"h\xc3\xa9llo \xf0\x9f\x98\x80 \\\"q\\\"\"}");
  REQUIRE(fine.ok());
  CHECK(fine.document["k"] == "h\xc3\xa9llo \xf0\x9f\x98\x80 \"q\"");
  CHECK(fine.repairs.empty());
}

TEST_CASE("a key with invalid UTF-8 is reported by its repaired path") {
  const DocumentRead r = read_document("{\"ab\xff\":{\"x\":1}}");
  REQUIRE(r.ok());
  CHECK(r.repairs == std::vector<std::string>{"ab\xEF\xBF\xBD: invalid UTF-8 replaced with U+FFFD"});
}
